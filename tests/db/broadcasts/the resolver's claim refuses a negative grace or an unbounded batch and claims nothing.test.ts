// broadcast_claim_stuck takes over rows in flight longer than the grace
// period. A negative grace would reach into the future and take rows their
// own request is still driving (bumping their version, so the request's
// result is refused); a missing or out-of-range limit would claim an unbounded
// batch in one transaction. Both are refused as invalid input and nothing is
// claimed.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BroadcastRow } from "../../../src/shared/data/broadcasts.ts";
import { InvalidInputError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { begun } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

test.each([
  ["a negative grace", { p_grace_seconds: -600, p_limit: 100 }],
  ["a null grace", { p_grace_seconds: null, p_limit: 100 }],
  ["a null limit", { p_grace_seconds: 0, p_limit: null }],
  ["a zero limit", { p_grace_seconds: 0, p_limit: 0 }],
  ["a limit over 1000", { p_grace_seconds: 0, p_limit: 1001 }],
])("%s is refused and the in-flight row keeps its version", async (_what, args) => {
  const row = await begun(t.db);
  await expect(t.db.rpc("broadcast_claim_stuck", args)).rejects.toBeInstanceOf(InvalidInputError);
  expect(await t.db.rpc<BroadcastRow>("broadcast_get", { p_id: row.id })).toEqual(row);
});
