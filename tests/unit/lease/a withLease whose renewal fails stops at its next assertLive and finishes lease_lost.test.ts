import { expect, it } from "vitest";
import { DbUnavailableError, LeaseLostError } from "../../../src/shared/errors.ts";
import { withLease } from "../../../src/shared/jobs/lease.ts";
import { leaseDb, until } from "./fixtures.ts";

it("throws LeaseLostError from the first assertLive after a refused renewal and records the run as lease_lost", async () => {
  const { db, finish, renewCount } = leaseDb(async () => {
    throw new LeaseLostError("lease lost: token 7 is not the live lease");
  });
  let reached = "";
  const run = withLease(db, { job: "j", lease: "l", holder: "h", ttlSeconds: 60, heartbeatMs: 10 }, async (lease) => {
    await until(() => renewCount() >= 1);
    await new Promise((r) => setTimeout(r, 0));
    reached = "before";
    lease.assertLive();
    reached = "after";
    return {};
  });
  await expect(run).rejects.toBeInstanceOf(LeaseLostError);
  expect(reached).toBe("before");
  expect(finish()).toMatchObject({ p_outcome: "lease_lost" });
});

it("gives up after a transient renewal error and its one retry both fail", async () => {
  const { db, finish, renewCount } = leaseDb(async () => {
    throw new DbUnavailableError("connection reset");
  });
  const run = withLease(db, { job: "j", lease: "l", holder: "h", ttlSeconds: 60, heartbeatMs: 10 }, async (lease) => {
    await until(() => lease.signal.aborted || renewCount() > 2);
    lease.assertLive();
    return {};
  });
  await expect(run).rejects.toBeInstanceOf(LeaseLostError);
  expect(renewCount()).toBe(2);
  expect(finish()).toMatchObject({ p_outcome: "lease_lost" });
});
