// broadcasts under hostile input: a draft and a scheduled broadcast exist. No
// request without the cron secret or an editor's token (a reader's token, an
// expired or forged one, a near miss of the secret), no body the request
// schema refuses, and no well-formed action on a broadcast that does not exist
// or is in the wrong state gets anything but a 4xx, changes a row, or reaches
// the email provider.
import fc from "fast-check";
import { mintAccessToken } from "../../dev/mint-token.ts";
import { broadcastRequestSchema } from "../../src/shared/jobs/broadcasts/request.ts";
import { CRON_SECRET, inHours, startBroadcastStack } from "../e2e/broadcasts/stack.ts";
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

const passesSchema = (body: string | Uint8Array) => {
  const parsed = parsedBody(body);
  return parsed.ok && broadcastRequestSchema.safeParse(parsed.value).success;
};

itRefusesAll({
  endpoint: "broadcasts",
  stack: async () => {
    const s = await startBroadcastStack();
    const draftId = (await s.createBroadcast("Draft to protect")).id;
    const scheduledId = (await s.createBroadcast("Scheduled to protect")).id;
    const scheduled = await s.act("schedule", scheduledId, inHours(48));
    if (scheduled.status !== 200) throw new Error(`scheduling the broadcast to protect answered ${scheduled.status}`);
    return {
      ...s,
      url: s.fns.url,
      sql: s.t.sql,
      draftId,
      scheduledId,
      outside: async () => (await s.simClient.state()).calls.filter((c) => !c.endpoint.startsWith("contact")).length,
    };
  },
  attempts: async ({ draftId, scheduledId, editorToken }) => {
    const reader = await mintAccessToken({
      sub: crypto.randomUUID(),
      appMetadata: { role: "reader", roles: ["viewer"] },
    });
    // user_metadata is the user's own to write: it must not make an editor.
    const selfPromoted = await mintAccessToken({ sub: crypto.randomUUID(), userMetadata: { role: "editor" } });
    const forged = [...(await forgedTokens(crypto.randomUUID())), reader, selfPromoted];
    const action = fc.constantFrom("schedule", "send", "reschedule", "cancel");
    const wellFormed = fc
      .record({
        action,
        broadcast_id: fc.oneof(fc.constant(draftId), fc.constant(scheduledId), fc.uuid()),
        publish_at: fc.constantFrom(inHours(24), inHours(72)),
      })
      .map((b) =>
        JSON.stringify(
          b.action === "send" || b.action === "cancel" ? { action: b.action, broadcast_id: b.broadcast_id } : b,
        )
      );
    const nearValid = fc
      .record({
        action: fc.oneof(action, hostileValue),
        broadcast_id: fc.oneof(fc.constant(draftId), fc.uuid(), hostileValue, fc.constant(`${draftId}' or '1'='1`)),
        publish_at: fc.oneof(
          fc.constant(inHours(-1)),
          fc.constant("2026-13-45T99:00:00Z"),
          fc.constant("tomorrow"),
          hostileValue,
        ),
        extra: fc.option(hostileValue),
      }, { requiredKeys: ["action"] })
      .map((b) => JSON.stringify(b));
    const bodies = fc.oneof(junkBodies(64 * 1024), nearValid, wellFormed);
    // Well-formed requests that still must be refused: an unknown id (404), or
    // an action the broadcast's state does not allow (409).
    const refusedWithAuth = fc.oneof(
      fc.oneof(junkBodies(64 * 1024), nearValid).filter((b) => !passesSchema(b)),
      fc.record({ a: fc.constantFrom("send", "cancel", "reschedule", "schedule"), id: fc.uuid() })
        .map(({ a, id }) =>
          JSON.stringify({
            action: a,
            broadcast_id: id,
            ...(a === "schedule" || a === "reschedule" ? { publish_at: inHours(5) } : {}),
          })
        ),
      fc.constantFrom(
        JSON.stringify({ action: "cancel", broadcast_id: draftId }),
        JSON.stringify({ action: "reschedule", broadcast_id: draftId, publish_at: inHours(3) }),
        JSON.stringify({ action: "schedule", broadcast_id: scheduledId, publish_at: inHours(3) }),
      ),
    );
    return fc.oneof(
      {
        weight: 3,
        arbitrary: unauthenticatedAttempt({
          authorization: badAuthorization([CRON_SECRET, editorToken], forged),
          bodies,
        }),
      },
      {
        weight: 2,
        arbitrary: authenticatedAttempt({
          label: "editor or cron credential, body refused by schema, state or id",
          headers: fc.constantFrom(CRON_SECRET, editorToken).map((t) => [["Authorization", `Bearer ${t}`]]),
          bodies: refusedWithAuth,
        }),
      },
    );
  },
});
