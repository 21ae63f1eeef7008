// job_runs keeps every run's counts for the operations page, indefinitely. A
// resumer run that finished a deletion must not write the deleted user's id
// there: after the saga no row outside its own log names the user.
import { afterAll, beforeAll, expect, test } from "vitest";
import { requestDeletion, resumeDeletions } from "../../../src/shared/jobs/delete-user/run.ts";
import { type DeletionStack, settings, startDeletionStack } from "./stack.ts";

let s: DeletionStack;
beforeAll(async () => {
  s = await startDeletionStack();
});
afterAll(async () => s?.close());

test("the run's answer lists the user; its stored record does not", async () => {
  const user = await s.seedUser();
  await s.auth.faults({ errors5xx: { next: 1, endpoint: "delete" } });
  expect((await requestDeletion(s.ports, settings, user.id, "service_role")).status).toBe("in_progress");

  const run = await resumeDeletions(s.ports, settings, "test");
  expect(run).toMatchObject({ claimed: 1, done: 1, items: [{ user_id: user.id, status: "done" }] });

  const [stored] = await s.t
    .sql`select counts::text as counts, outcome from app_private.job_runs where id = ${run.run_id}`;
  expect(stored).toMatchObject({ outcome: "completed" });
  expect(JSON.parse(stored!.counts as string)).toMatchObject({ claimed: 1, done: 1 });
  const naming = await s.t.sql`select id from app_private.job_runs where job_runs::text ilike ${`%${user.id}%`}`;
  expect(naming).toEqual([]);
});
