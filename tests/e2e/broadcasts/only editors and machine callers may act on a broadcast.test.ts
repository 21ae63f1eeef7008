import { afterAll, beforeAll, expect, test } from "vitest";
import { mintAccessToken } from "../../../dev/mint-token.ts";
import { type BroadcastStack, CRON_SECRET, inHours, startBroadcastStack } from "./stack.ts";

let s: BroadcastStack;
beforeAll(async () => {
  s = await startBroadcastStack();
});
afterAll(async () => s?.close());

test("no token is 401, a user without the editor role is 403, and neither reaches the provider", async () => {
  const b = await s.createBroadcast("Guarded");
  const anonymous = await fetch(s.fns.url("broadcasts"), {
    method: "POST",
    body: JSON.stringify({ action: "schedule", broadcast_id: b.id, publish_at: inHours(2) }),
  });
  expect(anonymous.status).toBe(401);
  const reader = await mintAccessToken({ sub: crypto.randomUUID(), appMetadata: { role: "reader" } });
  expect((await s.act("schedule", b.id, inHours(2), reader)).status).toBe(403);
  const forged = await mintAccessToken({
    sub: crypto.randomUUID(),
    appMetadata: { role: "editor" },
    secret: "x".repeat(40),
  });
  expect((await s.act("schedule", b.id, inHours(2), forged)).status).toBe(401);
  expect((await s.row(b.id)).send_status).toBe("draft");
  expect((await s.simClient.state()).calls.filter((c) => !c.endpoint.startsWith("contact"))).toEqual([]);
});

test("a bad body is 400 naming the field and changes nothing", async () => {
  const b = await s.createBroadcast("Bad body");
  const r = await s.act("schedule", b.id);
  expect(r.status).toBe(400);
  expect(r.body.message).toMatch(/publish_at/);
  expect((await s.row(b.id)).send_status).toBe("draft");
});

test("Supabase Cron's secret may send a draft now", async () => {
  const b = await s.createBroadcast("Cron send");
  const r = await s.act("send", b.id, undefined, CRON_SECRET);
  expect(r.status).toBe(200);
  expect(r.body.broadcast.send_status).toBe("sent");
  expect(await s.emailsAfterAllFire("Cron send")).toHaveLength(2);
});
