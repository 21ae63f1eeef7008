// A secret in a URL ends up in browser history, shell history and in proxy and
// platform access logs. So no request the project documents (the README and
// any Markdown under docs/) may put one there: every URL is checked for
// credentials in its user-info, secret-like query parameter names, and the
// project's known secret values (local ones included: people copy them).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "../../../dev/postgres.ts";

const SECRET_PARAM =
  /^(token|access_token|id_token|refresh_token|secret|client_secret|key|apikey|api_key|password|passwd|pwd|auth|authorization|jwt|sig|signature|service_role)$/i;
const KNOWN_SECRETS = [
  "local-cron-secret",
  "local-service-role-key",
  "re_local_key",
  "local-braze-key",
  "local-football-token",
  "local-deepl-key",
  "whsec_",
];

// Query parameters whose secret-like name carries no secret, each with why.
// braze-send-guard's `key` is the ledger attempt's id (a uuid Braze already
// holds in trigger_properties.guard_key); the guard's secret travels as HTTP
// Basic auth (Connected Content's :basic_auth), never in the URL.
const NOT_SECRETS: { path: RegExp; param: string }[] = [{ path: /\/functions\/v1\/braze-send-guard$/, param: "key" }];

/** Each URL in `text` that carries a secret, with the reason. */
function secretsInUrls(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/https?:\/\/[^\s'"`<>)\]]+/g)) {
    const raw = match[0];
    let url: URL;
    try {
      url = new URL(raw.replace(/[.,;:]+$/, ""));
    } catch {
      continue;
    }
    if (url.username || url.password) found.push(`${raw}: credentials in the URL`);
    for (const [name, value] of url.searchParams) {
      if (NOT_SECRETS.some((n) => n.param === name && n.path.test(url.pathname))) continue;
      if (SECRET_PARAM.test(name)) found.push(`${raw}: query parameter "${name}"`);
      else if (/^\$\{?[A-Z_]*(SECRET|KEY|TOKEN|PASSWORD)/.test(value)) found.push(`${raw}: "${name}" takes ${value}`);
    }
    for (const known of KNOWN_SECRETS) if (raw.includes(known)) found.push(`${raw}: contains ${known}`);
  }
  return found;
}

function documents(): string[] {
  const files = [join(repoRoot, "README.md")];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) files.push(path);
    }
  };
  if (existsSync(join(repoRoot, "docs"))) walk(join(repoRoot, "docs"));
  return files;
}

it("finds a secret however a URL carries it (the checker itself)", () => {
  expect(secretsInUrls("open http://127.0.0.1:54321/functions/v1/ops-status?token=local-cron-secret in a browser"))
    .toHaveLength(2);
  expect(secretsInUrls("curl 'https://x.supabase.co/functions/v1/f?apikey=abc'")).toEqual([
    'https://x.supabase.co/functions/v1/f?apikey=abc: query parameter "apikey"',
  ]);
  expect(secretsInUrls("curl https://x.supabase.co/f?q=$CRON_SECRET")).toHaveLength(1);
  // The guard key is allowed on the guard only, and a secret value still counts there.
  expect(secretsInUrls("https://x.supabase.co/functions/v1/braze-send-guard?key=abc")).toEqual([]);
  expect(secretsInUrls("https://x.supabase.co/functions/v1/ops-status?key=abc")).toHaveLength(1);
  expect(secretsInUrls("https://x.supabase.co/functions/v1/braze-send-guard?key=local-cron-secret")).toHaveLength(1);
  expect(secretsInUrls("psql postgresql://u:p@h/db and https://user:pw@example.com/")).toEqual([
    "https://user:pw@example.com/: credentials in the URL",
  ]);
  expect(
    secretsInUrls(
      "curl -H 'Authorization: Bearer local-cron-secret' http://127.0.0.1:54321/functions/v1/braze-scheduler",
    ),
  ).toEqual([]);
});

it("finds no secret in any URL the README or docs/ document", () => {
  const found = documents().flatMap((file) =>
    secretsInUrls(readFileSync(file, "utf8")).map((f) => `${file.slice(repoRoot.length + 1)}: ${f}`)
  );
  expect(found).toEqual([]);
});
