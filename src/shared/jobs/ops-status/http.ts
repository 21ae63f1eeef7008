// The ops-status request: the operations snapshot as JSON, to a machine caller
// only, GET or POST.
//
// JSON, not the HTML page: a hosted project rewrites a `text/html` answer to a
// GET into `text/plain` unless it has a custom domain
// (https://supabase.com/docs/guides/functions/limits, "Serving of HTML content
// is only supported with custom domains"). The page is rendered from this JSON
// by `npm run ops` (dev/ops.ts) on 127.0.0.1.
//
// The secret only in the Authorization header, never in the URL: a URL ends up
// in browser history and in proxy and platform access logs. `?token=` is not
// read at all (the shared handler is not asked to).
import type { CallerAuth } from "../../http/caller.ts";
import { handler, type Log } from "../../http/handler.ts";
import { json } from "../../http/respond.ts";
import type { Db } from "../../ports.ts";
import { operations } from "../../data/operations.ts";

export interface OpsStatusPorts {
  db: Db;
}

export const SNAPSHOT_HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

export interface OpsStatusOptions {
  /** Called once the caller is authenticated, so an anonymous request never learns a missing variable. */
  ports: () => OpsStatusPorts;
  /** Tests: the caller settings (default: the environment, once per isolate). */
  auth?: () => CallerAuth;
  log?: Log;
}

export function opsStatusHandler(options: OpsStatusOptions): { fetch: (req: Request) => Promise<Response> } {
  return handler({
    methods: ["GET", "POST"],
    callers: ["cron", "service_role"],
    config: options.ports,
    // GET has no body; a POST's body is not read either (nothing to say).
    body: null,
    auth: options.auth,
    log: options.log,
    run: async ({ config }) => json(200, await operations(config.db).snapshot(), SNAPSHOT_HEADERS),
  });
}
