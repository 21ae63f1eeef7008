// The function dies after Resend answered, before the row records the outcome
// (here: every write that would record it fails, as a kill or a lost database
// would leave it). Resend does not deduplicate broadcast creates, so a resolver
// that created the broadcast again would email everyone twice. The provider's
// id is recorded by its own write the moment the create answers, and a create
// whose id was never recorded is found by the broadcast's name: the resolver
// settles the row to the one broadcast the provider has.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type BroadcastStack,
  clearFailures,
  failTransitions,
  inHours,
  RECIPIENTS,
  startBroadcastStack,
} from "./stack.ts";

let s: BroadcastStack;
beforeAll(async () => {
  s = await startBroadcastStack();
});
afterAll(async () => s?.close());

describe.sequential("a schedule whose outcome was never recorded", () => {
  test("died after the send answered: one broadcast, scheduled, one email each", async () => {
    const b = await s.createBroadcast("Crash after send");
    const publishAt = inHours(3);
    await failTransitions(s, "scheduling", ["scheduled", "uncertain"]);
    await s.act("schedule", b.id, publishAt);
    await clearFailures(s);
    expect((await s.row(b.id)).send_status).toBe("scheduling");

    expect((await s.resolve()).status).toBe(200);
    const row = await s.row(b.id);
    const provider = await s.providerBroadcasts("Crash after send");
    expect(provider.map((p) => p.status)).toEqual(["scheduled"]);
    expect(row).toMatchObject({ send_status: "scheduled", provider_broadcast_id: provider[0]!.id });
    expect(new Date(row.publish_at!).toISOString()).toBe(publishAt);
    const emails = await s.emailsAfterAllFire("Crash after send");
    expect(emails.map((e) => e.to).sort()).toEqual([...RECIPIENTS].sort());
  });

  test("died right after the create answered: the draft is found by its name and nothing is sent", async () => {
    const b = await s.createBroadcast("Crash after create");
    // Nothing after the create can be written: not the id, not the outcome.
    await failTransitions(s, "scheduling", ["scheduling", "scheduled", "uncertain"]);
    await s.act("schedule", b.id, inHours(3));
    await clearFailures(s);
    expect((await s.row(b.id)).provider_broadcast_id).toBeNull();

    expect((await s.resolve()).status).toBe(200);
    const row = await s.row(b.id);
    const provider = await s.providerBroadcasts("Crash after create");
    expect(provider).toHaveLength(1);
    expect(row).toMatchObject({
      send_status: provider[0]!.status === "draft" ? "draft" : "scheduled",
      provider_broadcast_id: provider[0]!.id,
    });
    const emails = await s.emailsAfterAllFire("Crash after create");
    expect(emails.length).toBeLessThanOrEqual(RECIPIENTS.length);
    expect(new Set(emails.map((e) => e.to)).size).toBe(emails.length);
  });
});
