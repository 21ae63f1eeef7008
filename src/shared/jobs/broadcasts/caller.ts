// Who may act on broadcasts: Supabase Cron or an operator (CRON_SECRET or the
// service-role key), or a signed-in user whose verified token carries the
// editor role in app_metadata. app_metadata is writable only with the service
// role, unlike user_metadata, which the user can change about themself.
import { ForbiddenError } from "../../errors.ts";
import type { Caller } from "../../http/caller.ts";

export type BroadcastCaller = { kind: "cron" | "service_role" } | { kind: "editor"; userId: string };

/** The authenticated caller (see authenticateCaller) as a broadcast actor, or 403. */
export function authorizeBroadcastCaller(caller: Caller, editorRole: string): BroadcastCaller {
  if (caller.kind !== "user") return { kind: caller.kind };
  const meta = caller.claims.app_metadata ?? {};
  const roles = Array.isArray(meta.roles) ? meta.roles : [];
  if (meta.role === editorRole || roles.includes(editorRole)) return { kind: "editor", userId: caller.claims.sub };
  throw new ForbiddenError(`the ${editorRole} role (app_metadata) is required to act on broadcasts`);
}
