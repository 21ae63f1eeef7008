// dev/ops.ts (`npm run ops`): the secret comes from the environment, never a
// flag (shell history, `ps`), and travels only in the Authorization header,
// never in the URL it fetches.
import { expect, it } from "vitest";
import { fetchSnapshot, OpsError, opsOptions } from "../../../dev/ops.ts";
import { snapshot } from "./fixtures.ts";

const REMOTE = "https://project-ref.supabase.co";

it.each([["--secret", "s3cret-value-0123"], ["--token=s3cret-value-0123"], ["--cron-secret", "x"], [
  "--service-role-key=x",
], ["--key", "x"]])(
  "refuses %s on the command line, saying where the secret goes instead",
  (...argv) => {
    expect(() => opsOptions(["--url", REMOTE, ...argv.filter(Boolean)], { CRON_SECRET: "from-env" })).toThrow(
      /refused: a secret on the command line .* Set CRON_SECRET/,
    );
  },
);

it("takes CRON_SECRET, else SUPABASE_SERVICE_ROLE_KEY, and requires one for a remote project", () => {
  expect(opsOptions(["--url", REMOTE], { CRON_SECRET: "cron", SUPABASE_SERVICE_ROLE_KEY: "srk" }).secret).toBe("cron");
  expect(opsOptions(["--url", `${REMOTE}/`], { SUPABASE_SERVICE_ROLE_KEY: "srk" })).toMatchObject({
    projectUrl: REMOTE,
    secret: "srk",
  });
  expect(() => opsOptions(["--url", REMOTE], {})).toThrow(OpsError);
  // The local stack's fixed secret is the default only for the local stack.
  expect(opsOptions([], {})).toMatchObject({
    projectUrl: "http://127.0.0.1:54321",
    secret: "local-cron-secret",
    text: false,
    port: 54350,
  });
});

it("refuses a project URL that carries a query or credentials", () => {
  expect(() => opsOptions(["--url", `${REMOTE}/?token=abc`], { CRON_SECRET: "cron" })).toThrow(/no query/);
  expect(() => opsOptions(["--url", "https://u:p@project-ref.supabase.co"], { CRON_SECRET: "cron" })).toThrow(
    /no credentials/,
  );
});

it("fetches the snapshot with the secret in the Authorization header and nowhere in the URL", async () => {
  const seen: { url: string; authorization: string | null }[] = [];
  const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(input), authorization: new Headers(init?.headers).get("authorization") });
    return new Response(JSON.stringify(snapshot()), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  expect(await fetchSnapshot(REMOTE, "cron-secret-value", fetcher)).toEqual(snapshot());
  expect(seen).toEqual([{ url: `${REMOTE}/functions/v1/ops-status`, authorization: "Bearer cron-secret-value" }]);
});

it("reports a refusal with the status and the body, not a page", async () => {
  const fetcher = (async () => new Response('{"error":"unauthorized"}', { status: 401 })) as typeof fetch;
  await expect(fetchSnapshot(REMOTE, "wrong", fetcher)).rejects.toThrow(
    `${REMOTE}/functions/v1/ops-status answered 401: {"error":"unauthorized"}`,
  );
});
