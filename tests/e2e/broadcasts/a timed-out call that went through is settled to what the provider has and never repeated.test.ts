// Resend applied the call but the answer never came back (the client timed
// out). Resend does not deduplicate broadcast requests, so repeating the call
// would create a second broadcast, or be refused as a send of a broadcast that
// is no longer a draft (and wrongly read as "rejected"). The resolver instead
// reads the provider's state and moves the row to match it: one provider
// broadcast, the row agreeing with it, the audience emailed once.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BroadcastStack, inHours, RECIPIENTS, startBroadcastStack } from "./stack.ts";

let s: BroadcastStack;
beforeAll(async () => {
  s = await startBroadcastStack();
});
afterAll(async () => s?.close());

async function timeoutThenResolve(id: string, action: string, endpoint: string, publishAt?: string) {
  await s.simClient.faults({ timeoutAfterCommit: { next: 1, endpoint } });
  const first = await s.act(action, id, publishAt);
  expect(first.status).toBe(202);
  expect((await s.row(id)).send_status).toBe("uncertain");
  const before = (await s.simClient.state()).calls.filter((c) => c.endpoint === endpoint).length;

  const resolved = await s.resolve();
  expect(resolved.status).toBe(200);
  const item = resolved.body.items.find((i: { broadcast_id: string }) => i.broadcast_id === id);
  expect(item).toMatchObject({ outcome: "confirmed", action });
  // Nothing was repeated at the provider: the resolver only read.
  expect((await s.simClient.state()).calls.filter((c) => c.endpoint === endpoint)).toHaveLength(before);
}

async function expectRowMatchesProvider(id: string, subject: string) {
  const row = await s.row(id);
  const provider = await s.providerBroadcasts(subject);
  expect(provider).toHaveLength(1);
  expect(row.provider_broadcast_id).toBe(provider[0]!.id);
  const expected =
    { draft: "draft", scheduled: "scheduled", queued: "sent", sent: "sent" }[provider[0]!.status as string];
  expect(row.send_status).toBe(expected);
  return { row, provider: provider[0]! };
}

describe.sequential("the provider applies the call and never answers", () => {
  test("schedule, the create unanswered: the broadcast is found by its name, not created again", async () => {
    const b = await s.createBroadcast("Timeout create");
    const publishAt = inHours(4);
    await s.simClient.faults({ timeoutAfterCommit: { next: 1, endpoint: "create" } });
    expect((await s.act("schedule", b.id, publishAt)).status).toBe(202);
    const resolved = await s.resolve();
    expect(resolved.status).toBe(200);
    // The row matches the draft the provider holds; the editor schedules it again.
    const { row } = await expectRowMatchesProvider(b.id, "Timeout create");
    expect(row.send_status).toBe("draft");
    expect(row.last_error).toMatch(/schedule did not take effect as asked: the provider has the broadcast draft/);
    expect((await s.act("schedule", b.id, publishAt)).status).toBe(200);
    await expectRowMatchesProvider(b.id, "Timeout create");
    const emails = await s.emailsAfterAllFire("Timeout create");
    expect(emails.map((e) => e.to).sort()).toEqual([...RECIPIENTS].sort());
  });

  test("schedule, the send unanswered: scheduled, not rolled back to draft", async () => {
    const b = await s.createBroadcast("Timeout schedule");
    const publishAt = inHours(4);
    await timeoutThenResolve(b.id, "schedule", "send", publishAt);
    const { row, provider } = await expectRowMatchesProvider(b.id, "Timeout schedule");
    expect(provider.status).toBe("scheduled");
    expect(new Date(row.publish_at!).toISOString()).toBe(publishAt);
    const emails = await s.emailsAfterAllFire("Timeout schedule");
    expect(emails.map((e) => e.to).sort()).toEqual([...RECIPIENTS].sort());
  });

  test("reschedule: scheduled at the new time", async () => {
    const b = await s.createBroadcast("Timeout reschedule");
    expect((await s.act("schedule", b.id, inHours(4))).status).toBe(200);
    const newTime = inHours(6);
    await timeoutThenResolve(b.id, "reschedule", "send", newTime);
    const { row } = await expectRowMatchesProvider(b.id, "Timeout reschedule");
    expect(row.send_status).toBe("scheduled");
    expect(new Date(row.publish_at!).toISOString()).toBe(newTime);
    const emails = await s.emailsAfterAllFire("Timeout reschedule");
    expect(emails.map((e) => e.to).sort()).toEqual([...RECIPIENTS].sort());
  });

  test("cancel: draft, not back to scheduled while the provider holds a draft", async () => {
    const b = await s.createBroadcast("Timeout cancel");
    expect((await s.act("schedule", b.id, inHours(4))).status).toBe(200);
    await timeoutThenResolve(b.id, "cancel", "cancel");
    const { row } = await expectRowMatchesProvider(b.id, "Timeout cancel");
    expect(row.send_status).toBe("draft");
    expect(await s.emailsAfterAllFire("Timeout cancel")).toEqual([]);
  });
});
