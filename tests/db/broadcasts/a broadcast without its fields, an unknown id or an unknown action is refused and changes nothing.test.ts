// The broadcast functions are called with what an editor's request carried.
// A create missing what Resend needs would leave a row that can never be
// sent; an unknown id must be a 404 (an empty answer reads as "no broadcast
// state" to a caller); an unknown action must be refused before the row is
// locked or touched.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { draft } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const rows = async () => await t.sql`select * from app_private.broadcasts order by id`;

it.each([
  { what: "no subject", subject: "", html: "<p>hi</p>", audience: "aud" },
  { what: "no content", subject: "News", html: null, audience: "aud" },
  { what: "no audience", subject: "News", html: "<p>hi</p>", audience: "" },
])("a create with $what is invalid input and stores no row", async ({ subject, html, audience }) => {
  const before = await rows();
  await expect(
    t.db.rpc("broadcast_create", { p_subject: subject, p_content_html: html, p_audience_id: audience }),
  ).rejects.toMatchObject({ name: "InvalidInputError" });
  expect(await rows()).toEqual(before);
});

it("an unknown broadcast id is not found", async () => {
  await expect(t.db.rpc("broadcast_get", { p_id: crypto.randomUUID() })).rejects.toMatchObject({
    name: "NotFoundError",
  });
});

it("an unknown action is invalid input and leaves the draft as it was", async () => {
  const row = await draft(t.db);
  const before = await rows();
  await expect(t.db.rpc("broadcast_begin", { p_id: row.id, p_action: "explode" })).rejects.toMatchObject({
    name: "InvalidInputError",
  });
  expect(await rows()).toEqual(before);
});
