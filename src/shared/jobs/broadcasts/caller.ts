// Who may act on broadcasts: Supabase Cron or an operator (CRON_SECRET or the
// service-role key), or a signed-in user whose verified token carries the
// editor role in app_metadata. app_metadata is writable only with the service
// role, unlike user_metadata, which the user can change about themself.
import { ForbiddenError, UnauthorizedError } from "../../errors.ts";
import { bearerToken, type ServiceSecrets, secretsEqual, type TokenVerifier } from "../../http/auth.ts";

export type BroadcastCaller = { kind: "cron" | "service_role" } | { kind: "editor"; userId: string };

export async function authorizeBroadcastCaller(
  req: Request,
  secrets: ServiceSecrets,
  verify: TokenVerifier,
  editorRole: string,
): Promise<BroadcastCaller> {
  const token = bearerToken(req);
  if (!token) throw new UnauthorizedError("Authorization: Bearer <token> is required");
  if (secretsEqual(token, secrets.cronSecret)) return { kind: "cron" };
  if (secrets.serviceRoleKey && secretsEqual(token, secrets.serviceRoleKey)) return { kind: "service_role" };
  const claims = await verify(token);
  const meta = claims.app_metadata ?? {};
  const roles = Array.isArray(meta.roles) ? meta.roles : [];
  if (meta.role === editorRole || roles.includes(editorRole)) return { kind: "editor", userId: claims.sub };
  throw new ForbiddenError(`the ${editorRole} role (app_metadata) is required to act on broadcasts`);
}
