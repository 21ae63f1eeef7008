// The provider applied the call but never answered: the row is uncertain. The
// resolver repeats the operation with the stored key; the provider replays
// its first answer, and the audience gets exactly one email.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BroadcastStack, inHours, RECIPIENTS, startBroadcastStack } from "./harness.ts";

let s: BroadcastStack;
beforeAll(async () => {
  s = await startBroadcastStack();
});
afterAll(async () => s?.close());

async function timeoutThenResolve(id: string, action: string, endpoint: string, publishAt?: string) {
  await s.simClient.faults({ timeoutAfterCommit: { next: 1, endpoint } });
  const first = await s.act(action, id, publishAt);
  expect(first.status).toBe(202);
  const uncertain = await s.row(id);
  expect(uncertain.send_status).toBe("uncertain");
  expect(uncertain.last_error).toMatch(/outcome unknown with key broadcast:/);

  const resolved = await s.resolve();
  expect(resolved.status).toBe(200);
  const item = resolved.body.items.find((i: { broadcast_id: string }) => i.broadcast_id === id);
  expect(item).toMatchObject({ outcome: "confirmed", action, stuck_because: uncertain.last_error });

  // Every call of this endpoint for the broadcast carried one key; the second was a replay.
  const calls = (await s.simClient.state()).calls.filter((c) => c.endpoint === endpoint && c.key?.startsWith(item.key));
  expect(calls.map((c) => c.key)).toEqual([`${item.key}:${endpoint}`, `${item.key}:${endpoint}`]);
  expect(calls.map((c) => c.replayed === true)).toEqual([false, true]);

  const [run] = await s.t.sql`select outcome, counts from public.job_runs where job = 'broadcasts-resolve' order by started_at desc limit 1`;
  expect(run!.outcome).toBe("completed");
  expect(JSON.stringify(run!.counts)).toContain(uncertain.last_error!.slice(0, 40));
}

describe.sequential("the provider times out after accepting", () => {
  test("schedule", async () => {
    const b = await s.createBroadcast("Timeout schedule");
    const publishAt = inHours(4);
    await timeoutThenResolve(b.id, "schedule", "send", publishAt);
    expect((await s.row(b.id)).send_status).toBe("scheduled");
    const emails = await s.emailsAfterAllFire("Timeout schedule");
    expect(emails.map((e) => e.to).sort()).toEqual([...RECIPIENTS].sort());
  });

  test("reschedule", async () => {
    const b = await s.createBroadcast("Timeout reschedule");
    expect((await s.act("schedule", b.id, inHours(4))).status).toBe(200);
    const newTime = inHours(6);
    await timeoutThenResolve(b.id, "reschedule", "send", newTime);
    const row = await s.row(b.id);
    expect(row.send_status).toBe("scheduled");
    expect(new Date(row.publish_at!).toISOString()).toBe(newTime);
    const emails = await s.emailsAfterAllFire("Timeout reschedule");
    expect(emails.map((e) => e.to).sort()).toEqual([...RECIPIENTS].sort());
  });

  test("cancel", async () => {
    const b = await s.createBroadcast("Timeout cancel");
    expect((await s.act("schedule", b.id, inHours(4))).status).toBe(200);
    await timeoutThenResolve(b.id, "cancel", "cancel");
    expect((await s.row(b.id)).send_status).toBe("draft");
    expect(await s.emailsAfterAllFire("Timeout cancel")).toEqual([]);
  });
});
