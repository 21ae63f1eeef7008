// A run's finish can be sent twice (a retried request whose first answer was
// lost, or a late error handler after the run already finished). The second
// finish must not rewrite history: the run keeps the outcome, time and counts
// of the first, and the answer says so.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

interface Finish {
  run_id: string;
  outcome: string;
  finished_at: string;
}

it("answers the first outcome to the second finish and keeps it", async () => {
  const begun = await t.db.rpc<{ run_id: string; acquired: boolean }>("begin_job_run", {
    p_job: "j",
    p_lease: "lease:j",
    p_holder: "a",
    p_ttl_seconds: 60,
  });
  expect(begun.acquired).toBe(true);
  const first = await t.db.rpc<Finish>("finish_job_run", {
    p_run_id: begun.run_id,
    p_outcome: "completed",
    p_counts: { created: 3 },
  });
  expect(first.outcome).toBe("completed");

  const second = await t.db.rpc<Finish>("finish_job_run", {
    p_run_id: begun.run_id,
    p_outcome: "failed",
    p_counts: { created: 0 },
    p_error: "late error handler",
  });
  expect(second).toEqual(first);
  const [row] = await t.sql`select outcome, counts, error, finished_at::text as finished_at
                              from app_private.job_runs where id = ${begun.run_id}`;
  expect(row).toMatchObject({ outcome: "completed", counts: { created: 3 }, error: null });
});
