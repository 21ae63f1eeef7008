import { expect, it } from "vitest";
import { DbUnavailableError } from "../../../src/shared/errors.ts";
import { withLease } from "../../../src/shared/jobs/lease.ts";
import { granted, leaseDb, until } from "./fixtures.ts";

it("retries a renewal that failed with a network error once, keeps the lease, and records the run completed", async () => {
  const { db, finish, renewCount } = leaseDb(async (attempt) => {
    if (attempt === 1) throw new DbUnavailableError("connection reset by peer");
    return granted();
  });
  const { counts } = await withLease(
    db,
    { job: "j", lease: "l", holder: "h", ttlSeconds: 60, heartbeatMs: 10 },
    async (lease) => {
      // Two heartbeats after the failed one: the retry succeeded and beats went on.
      await until(() => renewCount() >= 4);
      lease.assertLive();
      return { done: 1 };
    },
  );
  expect(counts).toEqual({ done: 1 });
  expect(finish()).toMatchObject({ p_outcome: "completed" });
});
