// The common shell of every edge function: method check, error mapping, and
// one JSON log line per request (with the run id when the answer carries one),
// so a run in job_runs can be found in the function logs and vice versa.
import { errorResponse, MethodNotAllowedError } from "./respond.ts";

export type Log = (line: string) => void;

/** The function's name from its URL: /functions/v1/<name>/… locally and on the platform, /<name>/… inside the edge runtime. */
export function functionName(url: string): string {
  const path = new URL(url).pathname.replace(/^\/functions\/v1\//, "/");
  return path.split("/").find(Boolean) ?? "unknown";
}

async function runIdOf(response: Response): Promise<string | undefined> {
  if (!response.headers.get("content-type")?.includes("application/json")) return undefined;
  try {
    const body = (await response.clone().json()) as { run_id?: unknown };
    return typeof body?.run_id === "string" ? body.run_id : undefined;
  } catch {
    return undefined;
  }
}

export function logged(handle: (req: Request) => Promise<Response>, log: Log = console.log): (req: Request) => Promise<Response> {
  return async (req) => {
    const started = performance.now();
    const response = await handle(req);
    log(
      JSON.stringify({
        fn: functionName(req.url),
        method: req.method,
        status: response.status,
        ms: Math.round(performance.now() - started),
        run_id: await runIdOf(response),
      }),
    );
    return response;
  };
}

export function postHandler(handle: (req: Request) => Promise<Response>, log?: Log): (req: Request) => Promise<Response> {
  return logged(async (req) => {
    try {
      if (req.method !== "POST") throw new MethodNotAllowedError(`${req.method} is not allowed; use POST`);
      return await handle(req);
    } catch (e) {
      return errorResponse(e);
    }
  }, log);
}
