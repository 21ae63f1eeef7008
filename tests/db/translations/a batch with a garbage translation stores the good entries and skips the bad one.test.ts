// A translator can answer garbage (an empty string, thousands of characters).
// The cache write is one statement for the whole batch, so one entry the
// table's checks refuse would fail every entry with it, and every later run
// would translate (and pay for) the same names again.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("stores the valid entries of a batch and skips the empty and the overlong translation", async () => {
  const stored = await t.db.rpc<{ stored: number }>("translations_store", {
    p_source_locale: "en",
    p_entries: [
      { locale: "de", text: "Arsenal", translation: "Arsenal London" },
      { locale: "de", text: "Chelsea", translation: "" },
      { locale: "es", text: "Chelsea", translation: "x".repeat(2001) },
      { locale: "es", text: "Arsenal", translation: "Arsenal de Londres" },
    ],
  });
  expect(stored).toEqual({ stored: 2 });
  expect(
    await t.sql`select target_locale, source_text, translated_text from app_private.translation_cache order by 1, 2`,
  ).toEqual([
    { target_locale: "de", source_text: "Arsenal", translated_text: "Arsenal London" },
    { target_locale: "es", source_text: "Arsenal", translated_text: "Arsenal de Londres" },
  ]);
});
