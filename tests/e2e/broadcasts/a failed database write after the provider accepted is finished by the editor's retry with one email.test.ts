// The provider accepted, the database update after it failed. The editor
// retries; the retry reads the broadcast back from the provider (it never
// repeats the call, which Resend would not deduplicate), finds the operation
// done, and the audience gets exactly one email.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BroadcastStack, failNextTransitionTo, inHours, RECIPIENTS, startBroadcastStack } from "./stack.ts";

let s: BroadcastStack;
beforeAll(async () => {
  s = await startBroadcastStack();
});
afterAll(async () => s?.close());

async function scheduled(subject: string, publishAt: string) {
  const b = await s.createBroadcast(subject);
  const r = await s.act("schedule", b.id, publishAt);
  expect(r.status).toBe(200);
  return b;
}

describe.sequential("the confirm after a successful provider call fails", () => {
  test("schedule: the retry ends scheduled and the audience gets one email", async () => {
    const b = await s.createBroadcast("Retry schedule");
    const publishAt = inHours(3);
    await failNextTransitionTo(s, "scheduled");

    const first = await s.act("schedule", b.id, publishAt);
    expect(first.status).toBe(202);
    expect(first.body.broadcast.send_status).toBe("uncertain");
    expect((await s.row(b.id)).last_error).toMatch(
      /provider accepted schedule .* but recording it failed: .*simulated database failure/,
    );

    const retry = await s.act("schedule", b.id, publishAt);
    expect(retry.status).toBe(200);
    const row = await s.row(b.id);
    expect(row.send_status).toBe("scheduled");
    expect(new Date(row.publish_at!).toISOString()).toBe(publishAt);

    const sim = await s.simClient.state();
    expect(sim.broadcasts.filter((x) => x.subject === "Retry schedule")).toHaveLength(1);
    const emails = await s.emailsAfterAllFire("Retry schedule");
    expect(emails.map((e) => e.to).sort()).toEqual([...RECIPIENTS].sort());
  });

  test("reschedule: the retry ends scheduled at the new time and the audience gets one email", async () => {
    const b = await scheduled("Retry reschedule", inHours(3));
    const newTime = inHours(5);
    await failNextTransitionTo(s, "scheduled");

    const first = await s.act("reschedule", b.id, newTime);
    expect(first.status).toBe(202);
    const retry = await s.act("reschedule", b.id, newTime);
    expect(retry.status).toBe(200);
    const row = await s.row(b.id);
    expect(row.send_status).toBe("scheduled");
    expect(new Date(row.publish_at!).toISOString()).toBe(newTime);

    const [provider] = (await s.simClient.state()).broadcasts.filter((x) => x.subject === "Retry reschedule");
    expect(provider!.status).toBe("scheduled");
    expect(Date.parse(provider!.scheduled_at!)).toBe(Date.parse(newTime));
    const emails = await s.emailsAfterAllFire("Retry reschedule");
    expect(emails.map((e) => e.to).sort()).toEqual([...RECIPIENTS].sort());
  });

  test("cancel: the retry ends draft and nobody gets an email", async () => {
    const b = await scheduled("Retry cancel", inHours(3));
    await failNextTransitionTo(s, "draft");

    const first = await s.act("cancel", b.id);
    expect(first.status).toBe(202);
    const retry = await s.act("cancel", b.id);
    expect(retry.status).toBe(200);
    expect((await s.row(b.id)).send_status).toBe("draft");

    const [provider] = (await s.simClient.state()).broadcasts.filter((x) => x.subject === "Retry cancel");
    expect(provider!.status).toBe("draft");
    expect(await s.emailsAfterAllFire("Retry cancel")).toEqual([]);
  });
});
