// Who may delete whom: a signed-in user deletes only themself (the subject of
// their verified token); Supabase Cron or an operator (CRON_SECRET or the
// service-role key) names the user in the body.
import { z } from "zod";
import { ForbiddenError, InvalidInputError } from "../../errors.ts";
import type { Caller } from "../../http/caller.ts";

/** Read only once the caller is authenticated (the handler's order): an anonymous caller learns nothing from validation. */
export const deletionRequestSchema = z.object({ user_id: z.uuid().optional() }).strict();

export function deletionTarget(caller: Caller, body: { user_id?: string }): { userId: string; requestedBy: string } {
  if (caller.kind !== "user") {
    if (!body.user_id) throw new InvalidInputError("invalid body: user_id: required when called with a service secret");
    return { userId: body.user_id, requestedBy: caller.kind };
  }
  const sub = caller.claims.sub;
  if (body.user_id !== undefined && body.user_id.toLowerCase() !== sub.toLowerCase()) {
    throw new ForbiddenError("a user may delete only their own account");
  }
  return { userId: sub, requestedBy: `self:${sub}` };
}
