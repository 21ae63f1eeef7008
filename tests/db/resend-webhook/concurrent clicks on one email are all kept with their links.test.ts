import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { record, shuffle, times } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 40 });
});
afterAll(() => t.drop());

it("keeps all 120 clicks made at once across three links, with exact per-link counts", async () => {
  const links = ["https://example.com/a", "https://example.com/b", "https://example.com/c"];
  const ats = times(120);
  const clicks = ats.map((at, i) => ({
    type: "email.clicked",
    at: "2026-03-02T00:00:00.000Z",
    emailId: "e-clicks",
    click: { link: links[i % 3]!, timestamp: at, ip_address: "203.0.113.9", user_agent: "test" },
  }));
  await Promise.all(shuffle(clicks).map((c) => record(t.db, c)));

  const [h] = await t.sql`
    select click_count, clicked_at, last_clicked_at, status from app_private.email_history where email_id = 'e-clicks'`;
  expect(h!.click_count).toBe(120);
  // The click's own timestamp, not the event's created_at, is the click time.
  expect(h!.clicked_at.toISOString()).toBe(ats[0]);
  expect(h!.last_clicked_at.toISOString()).toBe(ats[119]);
  expect(h!.status).toBe("clicked");

  const perLink = await t.sql`
    select link, count(*)::int as n from app_private.email_clicks where email_id = 'e-clicks' group by link order by link`;
  expect(perLink.map((r) => [r.link, r.n])).toEqual(links.map((l) => [l, 40]));
});
