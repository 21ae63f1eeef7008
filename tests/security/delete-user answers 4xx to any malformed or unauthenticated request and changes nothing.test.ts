// delete-user under hostile input: Ada and Grace exist in Auth, the database
// and the email audience. No request without a valid token or service secret,
// no body the schema refuses, no machine call without a user id, and no
// user's token naming another user gets anything but a 4xx, starts a saga, or
// reaches Supabase Auth or the email provider.
import fc from "fast-check";
import {
  authenticatedAttempt,
  badAuthorization,
  forgedTokens,
  hostileValue,
  itRefusesAll,
  junkBodies,
  parsedBody,
  unauthenticatedAttempt,
} from "./fuzz.ts";
import { CRON_SECRET, SERVICE_ROLE_KEY, startDeleteUserStack } from "./stack.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a machine caller may send: exactly {"user_id": <uuid>}. */
const machineWouldDelete = (body: string | Uint8Array) => {
  const p = parsedBody(body);
  if (!p.ok || typeof p.value !== "object" || p.value === null || Array.isArray(p.value)) return false;
  const keys = Object.keys(p.value);
  return keys.length === 1 && keys[0] === "user_id" && typeof (p.value as { user_id: unknown }).user_id === "string" &&
    UUID.test((p.value as { user_id: string }).user_id);
};

/** What a user may send: {} or {"user_id": <their own id>}, so anything naming someone else or malformed is refused. */
const userWouldDelete = (self: string) => (body: string | Uint8Array) => {
  const p = parsedBody(body);
  if (!p.ok || typeof p.value !== "object" || p.value === null || Array.isArray(p.value)) return false;
  const keys = Object.keys(p.value);
  if (keys.length === 0) return true;
  return keys.length === 1 && keys[0] === "user_id" &&
    String((p.value as { user_id: unknown }).user_id).toLowerCase() === self.toLowerCase();
};

itRefusesAll({
  endpoint: "delete-user",
  stack: startDeleteUserStack,
  attempts: async (stack) => {
    const ada = stack.users[0]!;
    const grace = stack.users[1]!;
    const forged = await forgedTokens(ada.id);
    const someId = fc.oneof(fc.constant(ada.id), fc.constant(grace.id), fc.constant(grace.id.toUpperCase()), fc.uuid());
    const bodies = fc.oneof(
      junkBodies(64 * 1024),
      someId.map((id) => JSON.stringify({ user_id: id })),
      fc.record({ user_id: fc.oneof(someId, hostileValue), extra: hostileValue }, { requiredKeys: [] }).map((b) =>
        JSON.stringify(b)
      ),
      fc.constantFrom("{}", ""),
    );
    return fc.oneof(
      {
        weight: 3,
        arbitrary: unauthenticatedAttempt({
          authorization: badAuthorization([CRON_SECRET, SERVICE_ROLE_KEY, ada.token], forged),
          bodies,
        }),
      },
      {
        weight: 1,
        arbitrary: authenticatedAttempt({
          label: "service secret, body without exactly one valid user_id",
          headers: fc.constantFrom(CRON_SECRET, SERVICE_ROLE_KEY).map((t) => [["Authorization", `Bearer ${t}`]]),
          bodies: bodies.filter((b) => !machineWouldDelete(b)),
        }),
      },
      {
        weight: 2,
        arbitrary: authenticatedAttempt({
          label: "Ada's valid token, body malformed or naming another user",
          headers: fc.constant([["Authorization", `Bearer ${ada.token}`]]),
          bodies: bodies.filter((b) => !userWouldDelete(ada.id)(b)),
        }),
      },
    );
  },
});
