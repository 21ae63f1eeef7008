import { afterAll, beforeAll, expect, test } from "vitest";
import { type BroadcastStack, inHours, RECIPIENTS, startBroadcastStack } from "./stack.ts";

let s: BroadcastStack;
beforeAll(async () => {
  s = await startBroadcastStack();
});
afterAll(async () => s?.close());

test("twenty editors click schedule at once: one provider schedule, nineteen 409 with the current state", async () => {
  const b = await s.createBroadcast("Twenty clicks");
  // Park the provider call of whichever click wins, so all others arrive while it is in flight.
  await s.simClient.hold("create", 1);
  const publishAt = inHours(2);
  const clicks = Array.from({ length: 20 }, () => s.act("schedule", b.id, publishAt));
  // deno-lint-ignore no-explicit-any -- answers are read field by field in each test
  const settled: { status: number; body: Record<string, any> }[] = [];
  clicks.forEach((c) => c.then((r) => settled.push(r)));
  await expect.poll(() => settled.length, { timeout: 30_000 }).toBe(19);
  expect(settled.map((r) => r.status), JSON.stringify(settled[0]?.body)).toEqual(Array(19).fill(409));
  expect(settled.every((r) => r.body.details?.broadcast?.send_status === "scheduling")).toBe(true);
  expect((await s.simClient.state()).held).toHaveLength(1);

  await s.simClient.release("create");
  const all = await Promise.all(clicks);
  expect(all.filter((r) => r.status === 200)).toHaveLength(1);

  const sim = await s.simClient.state();
  expect(sim.calls.filter((c) => c.endpoint === "create")).toHaveLength(1);
  expect(sim.calls.filter((c) => c.endpoint === "send")).toHaveLength(1);
  expect((await s.row(b.id)).send_status).toBe("scheduled");
  const emails = await s.emailsAfterAllFire("Twenty clicks");
  expect(emails.map((e) => e.to).sort()).toEqual([...RECIPIENTS].sort());
});
