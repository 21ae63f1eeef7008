// 2,000 deliveries for 20 emails: 1,400 distinct events and 600 redeliveries
// of them (same svix-id, so 30% of all deliveries are retries), shuffled and
// sent over HTTP by 16 concurrent clients, each signed with the svix library.
// A read-modify-write lost clicks and overwrote first-open times
// under exactly this load.
import { afterAll, beforeAll, expect, it } from "vitest";
import { emailEvent } from "../../../src/shared/jobs/resend-webhook/sign.ts";
import { startTestStack, type TestStack } from "../../support/stack.ts";
import { post } from "./deliveries.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

// A seeded generator, so a failure can be replayed.
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Expected {
  opens: string[];
  clicks: string[];
  perLink: Map<string, number>;
}

it("counts every open and click exactly once and keeps the earliest open time", async () => {
  const seed = 20261122;
  const random = mulberry32(seed);
  const base = Date.UTC(2026, 2, 1, 12);
  const at = () => new Date(base + Math.floor(random() * 86_400_000)).toISOString();
  const links = ["https://example.com/lineups", "https://example.com/tickets", "https://example.com/stream"];

  const events: { svixId: string; body: string }[] = [];
  const expected = new Map<string, Expected>();
  for (let e = 0; e < 20; e++) {
    const emailId = `email-${e}`;
    const x: Expected = { opens: [], clicks: [], perLink: new Map() };
    expected.set(emailId, x);
    events.push({
      svixId: `msg_${e}_sent`,
      body: emailEvent("email.sent", new Date(base - 60_000).toISOString(), emailId),
    });
    events.push({
      svixId: `msg_${e}_delivered`,
      body: emailEvent("email.delivered", new Date(base).toISOString(), emailId),
    });
    for (let i = 0; i < 68; i++) {
      const svixId = `msg_${e}_${i}`;
      if (random() < 0.5) {
        const time = at();
        x.opens.push(time);
        events.push({ svixId, body: emailEvent("email.opened", time, emailId) });
      } else {
        const time = at();
        const link = links[Math.floor(random() * links.length)]!;
        x.clicks.push(time);
        x.perLink.set(link, (x.perLink.get(link) ?? 0) + 1);
        const click = { link, timestamp: time, ipAddress: "203.0.113.7", userAgent: "Mail/1.0" };
        events.push({ svixId, body: emailEvent("email.clicked", new Date(base).toISOString(), emailId, { click }) });
      }
    }
  }
  expect(events).toHaveLength(1400);
  const redeliveries = Array.from({ length: 600 }, () => events[Math.floor(random() * events.length)]!);
  const deliveries = [...events, ...redeliveries];
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
  }

  const url = stack.url("resend-webhook");
  const statuses: number[] = [];
  let duplicates = 0;
  let next = 0;
  // 16 clients, each taking the next delivery as soon as its last one answered.
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        const res = await post(url, { ...d, signedAt: new Date() });
        statuses.push(res.status);
        if (res.body.duplicate) duplicates++;
      }
    }),
  );

  expect(statuses.filter((s) => s !== 200), `seed ${seed}`).toEqual([]);
  expect(statuses).toHaveLength(2000);
  expect(duplicates).toBe(600);

  const rows = await stack.database.sql`
    select email_id, status, open_count, click_count, opened_at, last_opened_at, clicked_at, event_count
      from app_private.email_history order by email_id`;
  expect(rows).toHaveLength(20);
  const perLink = await stack.database.sql`
    select email_id, link, count(*)::int as n from app_private.email_clicks group by email_id, link`;
  for (const row of rows) {
    const x = expected.get(row.email_id)!;
    const opens = [...x.opens].sort();
    const clicks = [...x.clicks].sort();
    expect({
      email: row.email_id,
      opens: row.open_count,
      clicks: row.click_count,
      events: row.event_count,
      firstOpen: row.opened_at?.toISOString() ?? null,
      lastOpen: row.last_opened_at?.toISOString() ?? null,
      firstClick: row.clicked_at?.toISOString() ?? null,
      status: row.status,
    }).toEqual({
      email: row.email_id,
      opens: x.opens.length,
      clicks: x.clicks.length,
      events: 70,
      firstOpen: opens[0] ?? null,
      lastOpen: opens.at(-1) ?? null,
      firstClick: clicks[0] ?? null,
      status: clicks.length ? "clicked" : "opened",
    });
    const links = Object.fromEntries(perLink.filter((r) => r.email_id === row.email_id).map((r) => [r.link, r.n]));
    expect(links).toEqual(Object.fromEntries(x.perLink));
  }
  const [stored] = await stack.database.sql`select count(*)::int as n from app_private.resend_webhook_deliveries`;
  expect(stored!.n).toBe(1400);
});
