// acquire_job_lease never queues: while another caller's claim of the same
// lease is still uncommitted (its transaction open between statements), a
// second begin_job_run answers "not acquired" at once instead of waiting on
// that row. A queued caller would hold a PostgREST connection for as long as
// the first transaction lasts, and a burst of cron retries would pile up on
// the pool. The holder's transaction is held open by the test; the second
// call must answer while it still is.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

interface Begin {
  run_id: string;
  acquired: boolean;
  token?: number;
}

it("answers not acquired while the first claim's transaction is still open", async () => {
  const holder = await t.sql.reserve();
  const events: string[] = [];
  try {
    const [{ pid }] = (await holder<{ pid: number }[]>`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    await holder`begin`;
    const [first] = await holder<{ result: Begin }[]>`
      select public.begin_job_run(p_job => 'j', p_lease => 'lease:j', p_holder => 'a', p_ttl_seconds => 60) as result`;
    expect(first!.result.acquired).toBe(true);

    const second = t.db.rpc<Begin>("begin_job_run", {
      p_job: "j",
      p_lease: "lease:j",
      p_holder: "b",
      p_ttl_seconds: 60,
    }).then((r) => (events.push("answered"), r));
    // Until the second call has either answered or is queued behind a lock.
    for (;;) {
      if (events.length) break;
      const [{ waiting }] = (await t.sql<{ waiting: number }[]>`
        select count(*)::int as waiting from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'
           and query like '%begin_job_run%' and pid <> ${pid} and pid <> pg_backend_pid()`) as unknown as [
        { waiting: number },
      ];
      if (waiting > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(events).toEqual(["answered"]);
    expect(await second).toMatchObject({ acquired: false });
    await holder`commit`;
  } finally {
    holder.release();
  }
});
