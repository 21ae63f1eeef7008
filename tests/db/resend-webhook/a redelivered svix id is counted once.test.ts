import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { record } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 20 });
});
afterAll(() => t.drop());

it("answers a sequential redelivery as a duplicate and counts the open once", async () => {
  const open = { svixId: "msg_open_1", type: "email.opened", at: "2026-03-01T12:00:00.000Z", emailId: "e-seq" };
  expect(await record(t.db, open)).toMatchObject({ duplicate: false, applied: true });
  expect(await record(t.db, open)).toMatchObject({ duplicate: true, applied: false });
  const [row] = await t.sql`select open_count, event_count from app_private.email_history where email_id = 'e-seq'`;
  expect(row).toEqual({ open_count: 1, event_count: 1 });
});

it("counts a click once when 20 copies of its delivery arrive at the same time", async () => {
  const click = {
    svixId: "msg_click_1",
    type: "email.clicked",
    at: "2026-03-01T12:00:00.000Z",
    emailId: "e-burst",
    click: { link: "https://example.com/match" },
  };
  const outcomes = await Promise.all(Array.from({ length: 20 }, () => record(t.db, click)));
  expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
  const [row] = await t.sql`select click_count from app_private.email_history where email_id = 'e-burst'`;
  expect(row!.click_count).toBe(1);
  const clicks = await t.sql`select link from app_private.email_clicks where email_id = 'e-burst'`;
  expect(clicks.map((c) => c.link)).toEqual(["https://example.com/match"]);
});
