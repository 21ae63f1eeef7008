// A broadcast the provider shows as scheduled has a time; settling a row to
// 'scheduled' without it would record a schedule nobody can check or show.
// The settle is refused as invalid input that says the time is missing (the
// resolver reports that message for the run), and the row stays claimed.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BroadcastRow } from "../../../src/shared/data/broadcasts.ts";
import { InvalidInputError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { begun, inHours, owner } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

test("scheduled without scheduled_at is refused, named, and the row is unchanged", async () => {
  const row = await begun(t.db, { action: "schedule", publishAt: inHours(2) });

  const settle = t.db.rpc("broadcast_settle_to_provider", {
    ...owner(row),
    p_provider_broadcast_id: "b_1",
    p_provider_status: "scheduled",
    p_scheduled_at: null,
  });
  await expect(settle).rejects.toBeInstanceOf(InvalidInputError);
  await expect(settle).rejects.toThrow(/scheduled broadcast needs its scheduled_at/);
  expect(await t.db.rpc<BroadcastRow>("broadcast_get", { p_id: row.id })).toEqual(row);
});
