// braze-send-guard under hostile input: with a ledger and Braze schedules in
// place, no request without HTTP Basic carrying BRAZE_GUARD_SECRET gets
// anything but a 4xx, and neither does one with the secret but no key (the
// raw requests here carry no query string); none claims a delivery, touches
// the ledger, leases or run history, or reaches Braze.
import fc from "fast-check";
import { LOCAL_SECRETS } from "../../dev/local-env.ts";
import {
  authenticatedAttempt,
  badAuthorization,
  forgedTokens,
  itRefusesAll,
  junkBodies,
  unauthenticatedAttempt,
} from "./fuzz.ts";
import { CRON_SECRET, SERVICE_ROLE_KEY, startBrazeStack } from "./stack.ts";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

itRefusesAll({
  endpoint: "braze-send-guard",
  stack: startBrazeStack,
  behaviour: "refuses every request without the guard secret or without a key, and changes nothing",
  attempts: async () => {
    const forged = await forgedTokens(crypto.randomUUID());
    const bodies = junkBodies(64 * 1024);
    // The machine secrets of the other functions are no credential here.
    const otherSecrets = fc.constantFrom(CRON_SECRET, SERVICE_ROLE_KEY).map((s) => [`Bearer ${s}`, basic("braze", s)]);
    const unauthenticated = unauthenticatedAttempt({
      authorization: fc.oneof(badAuthorization([LOCAL_SECRETS.brazeGuard], forged), otherSecrets),
      bodies,
    });
    return fc.oneof(
      { weight: 1, arbitrary: unauthenticated },
      // Braze's own method: a GET, with no body, must still be refused without the secret.
      {
        weight: 2,
        arbitrary: unauthenticated.map((a) => ({ ...a, method: "GET", body: new Uint8Array(), chunked: false })),
      },
      {
        weight: 2,
        arbitrary: authenticatedAttempt({
          label: "the guard secret, no key",
          headers: fc.constantFrom("braze", "", "a b").map((
            user,
          ) => [["Authorization", basic(user, LOCAL_SECRETS.brazeGuard)]]),
          bodies,
        }).map((a) => ({ ...a, method: "GET", body: new Uint8Array(), chunked: false })),
      },
    );
  },
});
