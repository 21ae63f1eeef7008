import { expect, it } from "vitest";
import { LeaseLostError } from "../../../src/shared/errors.ts";
import { withLease } from "../../../src/shared/jobs/lease.ts";
import { leaseDb } from "./fixtures.ts";

it("aborts the run's signal when a renewal stays unanswered past its timeout, and finishes lease_lost", async () => {
  const { db, finish } = leaseDb(() => new Promise(() => {})); // the database never answers
  const run = withLease(
    db,
    { job: "j", lease: "l", holder: "h", ttlSeconds: 60, heartbeatMs: 10, renewTimeoutMs: 20 },
    async (lease) => {
      await new Promise((resolve) => lease.signal.addEventListener("abort", resolve));
      lease.assertLive();
      return {};
    },
  );
  await expect(run).rejects.toBeInstanceOf(LeaseLostError);
  expect(finish()).toMatchObject({ p_outcome: "lease_lost" });
});
