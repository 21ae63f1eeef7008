// calendar-sync under hostile input: Alice and Bob have calendars. No request
// without a valid user token (expired, wrong key, alg none, no subject, a
// service secret instead), no body the schema refuses (whoever's token), and
// no sync against a stale revision gets anything but a 4xx or changes a
// single calendar.
import fc from "fast-check";
import { mintAccessToken } from "../../dev/mint-token.ts";
import { DEFAULT_MAX_CALENDARS, maxBodyBytes, syncRequestSchema } from "../../src/shared/jobs/calendar-sync/schema.ts";
import { calendar, newUserId, sync } from "../support/calendars.ts";
import { CRON_SECRET, startTestStack } from "../support/stack.ts";
import {
  authenticatedAttempt,
  badAuthorization,
  forgedTokens,
  hostileValue,
  injection,
  itRefusesAll,
  junkBodies,
  parsedBody,
  unauthenticatedAttempt,
} from "./fuzz.ts";

const alice = newUserId();
const bob = newUserId();

const schema = syncRequestSchema(DEFAULT_MAX_CALENDARS);
const passesSchema = (body: string | Uint8Array) => {
  const p = parsedBody(body);
  return p.ok && schema.safeParse(p.value).success;
};

itRefusesAll({
  endpoint: "calendar-sync",
  stack: async () => {
    const stack = await startTestStack();
    await sync(stack.database.db, alice, [
      calendar("alice-work", { settings: { private: "dentist" } }),
      calendar("alice-home"),
    ]);
    await sync(stack.database.db, alice, [calendar("alice-work"), calendar("alice-home", { name: "Home" })]); // revision 2
    await sync(stack.database.db, bob, [calendar("bob-work")]);
    return { ...stack, sql: stack.database.sql };
  },
  attempts: async () => {
    const aliceToken = await mintAccessToken({ sub: alice });
    const bobToken = await mintAccessToken({ sub: bob });
    const forged = await forgedTokens(alice);
    const element = fc.record(
      {
        calendar_id: fc.oneof(
          fc.constantFrom("alice-work", "bob-work"),
          injection,
          fc.string(),
          fc.constant("x".repeat(256)),
          fc.constant("a\u0000b"),
        ),
        name: fc.oneof(fc.string(), injection, hostileValue, fc.constant("")),
        color: fc.oneof(fc.constant(null), fc.string({ maxLength: 40 }), hostileValue),
        is_primary: fc.oneof(fc.boolean(), hostileValue),
        settings: fc.oneof(
          fc.constant(null),
          fc.dictionary(fc.string(), hostileValue),
          hostileValue,
          fc.constant({ big: "x".repeat(5000) }),
        ),
        user_id: fc.constant(bob),
      },
      { requiredKeys: [] },
    );
    const nearValid = fc
      .record({
        calendars: fc.oneof(fc.array(element, { maxLength: 4 }), hostileValue),
        expected_revision: fc.oneof(fc.integer({ min: -3, max: 5 }), hostileValue),
        user_id: fc.constant(bob),
      }, { requiredKeys: [] })
      .map((b) => JSON.stringify(b));
    const tooMany = fc.constant(
      JSON.stringify({ calendars: Array.from({ length: DEFAULT_MAX_CALENDARS + 1 }, (_, i) => calendar(`c${i}`)) }),
    );
    const duplicate = fc.constant(JSON.stringify({ calendars: [calendar("same"), calendar("same")] }));
    // Well-formed, but against a revision Alice is not at: 409, nothing written.
    const stale = fc.constantFrom(0, 1, 7).map((r) => JSON.stringify({ calendars: [], expected_revision: r }));
    const bodies = fc.oneof(junkBodies(maxBodyBytes(DEFAULT_MAX_CALENDARS)), nearValid, tooMany, duplicate);
    return fc.oneof(
      {
        weight: 3,
        arbitrary: unauthenticatedAttempt({
          authorization: badAuthorization([aliceToken, CRON_SECRET], [...forged, CRON_SECRET]),
          bodies,
        }),
      },
      {
        weight: 2,
        arbitrary: authenticatedAttempt({
          label: "a user's valid token, body refused by the schema",
          headers: fc.constantFrom(aliceToken, bobToken).map((tk) => [["Authorization", `Bearer ${tk}`]]),
          bodies: bodies.filter((b) => !passesSchema(b)),
        }),
      },
      {
        weight: 1,
        arbitrary: authenticatedAttempt({
          label: "Alice's token, stale expected_revision",
          headers: fc.constant([["Authorization", `Bearer ${aliceToken}`]]),
          bodies: stale,
        }),
      },
    );
  },
});
