// `npm run ops`: the operations page (or a terminal summary) for the local
// stack or a hosted project, from the JSON the ops-status function answers.
//
//   npm run ops                                   page for the local stack (npm start)
//   CRON_SECRET=... npm run ops -- --url https://<ref>.supabase.co
//   npm run ops -- --text [--url ...]             the same sections as text, then exit
//   --port <n>                                    where the page is served (default 54350; 0: any free port)
//
// The page is served here, on 127.0.0.1, because a hosted project rewrites a
// text/html answer to a GET into text/plain unless it has a custom domain
// (https://supabase.com/docs/guides/functions/limits). Each page load fetches
// a fresh snapshot.
//
// The secret comes from the environment only (CRON_SECRET, else
// SUPABASE_SERVICE_ROLE_KEY; the local stack's fixed secret for the local
// URL), never from a flag: a flag is kept in shell history and shown by `ps`
// to every user of the machine. It travels in the Authorization header, never
// in a URL. The page server itself asks for no secret: it listens on loopback
// only, like any local development server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { PAGE_HEADERS, renderPage } from "../src/shared/jobs/ops-status/page.ts";
import type { OpsSnapshot } from "../src/shared/data/operations.ts";
import { renderText } from "../src/shared/jobs/ops-status/text.ts";
import { LOCAL_SECRETS } from "./local-secrets.ts";

const LOCAL_URL = `http://127.0.0.1:${process.env.FUNCTIONS_PORT ?? "54321"}`;
const DEFAULT_PORT = 54350;
const FETCH_TIMEOUT_MS = 30_000;

export class OpsError extends Error {}

export interface OpsOptions {
  projectUrl: string;
  secret: string;
  text: boolean;
  port: number;
}

/** Options from argv and the environment; an OpsError says what is wrong. */
export function opsOptions(argv: string[], env: Record<string, string | undefined>): OpsOptions {
  const secretFlag = argv.find((a) => /^--(secret|token|key|cron-secret|service-role-key)(=|$)/.test(a));
  if (secretFlag) {
    throw new OpsError(
      `${
        secretFlag.split("=")[0]
      } is refused: a secret on the command line is kept in shell history and shown by ps. Set CRON_SECRET (or SUPABASE_SERVICE_ROLE_KEY) in the environment instead.`,
    );
  }
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: "string" }, text: { type: "boolean", default: false }, port: { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  const projectUrl = (values.url ?? LOCAL_URL).replace(/\/+$/, "");
  let parsed: URL;
  try {
    parsed = new URL(projectUrl);
  } catch {
    throw new OpsError(
      `--url must be the project URL, e.g. https://<ref>.supabase.co (got ${JSON.stringify(projectUrl)})`,
    );
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new OpsError("--url must be http(s)");
  if (parsed.search || parsed.username || parsed.password) {
    throw new OpsError("--url must carry no query and no credentials");
  }
  const local = parsed.hostname === "127.0.0.1" || parsed.hostname === "localhost";
  const secret = env.CRON_SECRET || env.SUPABASE_SERVICE_ROLE_KEY || (local ? LOCAL_SECRETS.cron : "");
  if (!secret) {
    throw new OpsError(`set CRON_SECRET (or SUPABASE_SERVICE_ROLE_KEY) in the environment to read ${projectUrl}`);
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new OpsError("--port must be 0..65535");
  return { projectUrl, secret, text: values.text ?? false, port };
}

/** The snapshot from `<projectUrl>/functions/v1/ops-status`, the secret in the Authorization header. */
export async function fetchSnapshot(
  projectUrl: string,
  secret: string,
  fetcher: typeof fetch = fetch,
): Promise<OpsSnapshot> {
  const endpoint = `${projectUrl}/functions/v1/ops-status`;
  let res: Response;
  try {
    res = await fetcher(endpoint, {
      headers: { authorization: `Bearer ${secret}`, accept: "application/json" },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (e) {
    throw new OpsError(`${endpoint}: ${(e as Error).message}`);
  }
  const body = await res.text();
  if (res.status !== 200) throw new OpsError(`${endpoint} answered ${res.status}: ${body.slice(0, 300)}`);
  try {
    return JSON.parse(body) as OpsSnapshot;
  } catch {
    throw new OpsError(`${endpoint} answered 200 but not JSON (an old deploy of ops-status?)`);
  }
}

const escapeText = (s: string) => s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);

/** The page server on 127.0.0.1: GET / renders a fresh snapshot; anything else is 404/405. */
export function servePage(
  options: { projectUrl: string; secret: string; port: number; fetcher?: typeof fetch },
): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET", "content-type": "text/plain; charset=utf-8" }).end("use GET\n");
      return;
    }
    if (new URL(req.url ?? "/", "http://127.0.0.1").pathname !== "/") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("the page is at /\n");
      return;
    }
    try {
      const snapshot = await fetchSnapshot(options.projectUrl, options.secret, options.fetcher);
      res.writeHead(200, PAGE_HEADERS).end(req.method === "HEAD" ? undefined : renderPage(snapshot));
    } catch (e) {
      const message = e instanceof OpsError ? e.message : `unexpected error: ${(e as Error).message}`;
      res.writeHead(502, { ...PAGE_HEADERS }).end(
        `<!doctype html><meta charset="utf-8"><title>Operations status: unavailable</title><h1>Operations status: unavailable</h1><p>${
          escapeText(message)
        }</p>`,
      );
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve(server));
  });
}

async function main(): Promise<void> {
  let options: OpsOptions;
  try {
    options = opsOptions(process.argv.slice(2), process.env);
  } catch (e) {
    console.error(`ops: ${(e as Error).message}`);
    process.exit(2);
  }
  if (options.text) {
    try {
      process.stdout.write(renderText(await fetchSnapshot(options.projectUrl, options.secret)));
    } catch (e) {
      console.error(`ops: ${(e as Error).message}`);
      process.exit(1);
    }
    return;
  }
  let server: Server;
  try {
    server = await servePage(options);
  } catch (e) {
    const code = (e as { code?: string }).code;
    console.error(
      code === "EADDRINUSE"
        ? `ops: port ${options.port} is in use; pick another with --port`
        : `ops: ${(e as Error).message}`,
    );
    process.exit(1);
  }
  const { port } = server.address() as AddressInfo;
  console.log(
    `ops: serving http://127.0.0.1:${port}/ (snapshot from ${options.projectUrl}/functions/v1/ops-status); Ctrl-C stops`,
  );
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
