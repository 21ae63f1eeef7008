// The resolver always ends. An uncertain row is settled from the provider's
// state in one run, even when the configuration changed since its provider
// call (another RESEND_FROM: a repeated create would no longer be the same
// request). When Resend cannot be read at all, the row becomes 'unresolved'
// with the reason after RESOLVE_MAX_ATTEMPTS drives, instead of being retried
// forever, and an operator's requeue hands it back once Resend answers.
import { afterAll, beforeAll, expect, test } from "vitest";
import { broadcastsFromEnv } from "../../../src/shared/jobs/broadcasts/env.ts";
import { runBroadcastResolver } from "../../../src/shared/jobs/broadcasts/resolve.ts";
import { type BroadcastStack, inHours, RESOLVE_MAX_ATTEMPTS, startBroadcastStack } from "./stack.ts";

let s: BroadcastStack;
beforeAll(async () => {
  s = await startBroadcastStack();
});
afterAll(async () => s?.close());

const IN_FLIGHT = ["scheduling", "sending", "rescheduling", "cancelling", "uncertain"];

test("RESEND_FROM changed since a create whose answer was lost: settled in one run, one provider broadcast", async () => {
  const b = await s.createBroadcast("From changed");
  await s.simClient.faults({ timeoutAfterCommit: { next: 1, endpoint: "create" } });
  expect((await s.act("schedule", b.id, inHours(3))).status).toBe(202);

  // The resolver runs with another sender than the one the create carried.
  const { ports, resolver } = broadcastsFromEnv({ ...s.env, RESEND_FROM: "Other sender <other@example.test>" });
  await runBroadcastResolver(ports, resolver, "test:resolver");

  const row = await s.row(b.id);
  expect(IN_FLIGHT).not.toContain(row.send_status);
  const provider = await s.providerBroadcasts("From changed");
  expect(provider).toHaveLength(1);
  expect(row).toMatchObject({ send_status: "draft", provider_broadcast_id: provider[0]!.id });
  expect(provider[0]!.status).toBe("draft");
});

test("Resend answering nothing but 5xx: unresolved with the reason after the bound, then settled after a requeue", async () => {
  const b = await s.createBroadcast("Provider down");
  await s.simClient.faults({ timeoutAfterCommit: { next: 1, endpoint: "send" } });
  expect((await s.act("schedule", b.id, inHours(3))).status).toBe(202);
  const createsBefore = (await s.simClient.state()).calls.filter((c) => c.endpoint === "create").length;
  await s.simClient.faults({ errors5xx: { next: 100_000, endpoint: "*" } });

  // Each run claims the row once; the first attempt counted as one.
  for (let run = 1; run < RESOLVE_MAX_ATTEMPTS; run++) {
    expect((await s.resolve()).status).toBe(200);
  }
  const row = await s.row(b.id);
  expect(row.send_status).toBe("unresolved");
  expect(row.last_error).toMatch(
    /could not read the provider's state after schedule .* gave up after 3 attempts: .*broadcast_requeue/,
  );
  // An unresolved row is left alone by later runs and refuses editors, with the reason.
  expect((await s.resolve()).body.claimed).toBe(0);
  const refused = await s.act("schedule", b.id, inHours(3));
  expect(refused.status).toBe(409);
  expect(refused.body.message).toMatch(/unresolved/);
  // Nothing was created or sent again while Resend failed.
  expect((await s.simClient.state()).calls.filter((c) => c.endpoint === "create")).toHaveLength(createsBefore);

  await s.simClient.faults({ errors5xx: null });
  await s.t.db.rpc("broadcast_requeue", { p_id: b.id });
  expect((await s.resolve()).status).toBe(200);
  const settled = await s.row(b.id);
  const provider = await s.providerBroadcasts("Provider down");
  expect(provider.map((p) => p.status)).toEqual(["scheduled"]);
  expect(settled).toMatchObject({ send_status: "scheduled", provider_broadcast_id: provider[0]!.id });
});
