// Who may delete whom: a signed-in user deletes only themself (the subject of
// their verified token); Supabase Cron or an operator (CRON_SECRET or the
// service-role key) names the user in the body.
import { ForbiddenError, InvalidInputError, UnauthorizedError } from "../../errors.ts";
import { bearerToken, type ServiceSecrets, secretsEqual, type TokenVerifier } from "../../http/auth.ts";

export async function deletionTarget(
  req: Request,
  /** Parsed only once the caller is authenticated: an anonymous caller learns nothing from validation. */
  readBody: () => { user_id?: string },
  secrets: ServiceSecrets,
  verify: TokenVerifier,
): Promise<{ userId: string; requestedBy: string }> {
  const token = bearerToken(req);
  if (!token) throw new UnauthorizedError("Authorization: Bearer <token> is required");
  const machine = secretsEqual(token, secrets.cronSecret)
    ? "cron"
    : secrets.serviceRoleKey && secretsEqual(token, secrets.serviceRoleKey) ? "service_role" : undefined;
  if (machine) {
    const body = readBody();
    if (!body.user_id) throw new InvalidInputError("invalid body: user_id: required when called with a service secret");
    return { userId: body.user_id, requestedBy: machine };
  }
  const claims = await verify(token);
  const body = readBody();
  if (body.user_id !== undefined && body.user_id.toLowerCase() !== claims.sub.toLowerCase()) {
    throw new ForbiddenError("a user may delete only their own account");
  }
  return { userId: claims.sub, requestedBy: `self:${claims.sub}` };
}
