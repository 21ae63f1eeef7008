import { afterAll, beforeAll, expect, it } from "vitest";
import { fromPostgres } from "../../../src/shared/db/direct.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
/** The lease helpers live in app_private (not exposed through PostgREST); tests call them directly. */
const internal = () => fromPostgres(t.sql, { schema: "app_private" });
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

type Lease = { token: number; expires_at: string } | null;

it("blocks a new holder's acquire until the transaction that passed the fence commits", async () => {
  const first = await internal().rpc<Lease>("acquire_job_lease", { p_job: "j", p_holder: "a", p_ttl_seconds: 60 });
  const fenced = await t.sql.reserve();
  const events: string[] = [];
  try {
    await fenced`begin`;
    // As text: a JS Date would drop the microseconds.
    const [{ t0 }] = (await fenced<{ t0: string }[]>`select now()::text as t0`) as unknown as [{ t0: string }];
    // The lease lapses right after the fenced transaction started: live by its
    // snapshot clock (now() is the transaction's start), expired for anyone after.
    await t
      .sql`update app_private.job_leases set expires_at = ${t0}::text::timestamptz + interval '1 microsecond' where job = 'j'`;
    await fenced`select app_private.assert_job_lease(p_job => 'j', p_token => ${first!.token})`;

    const takeover = internal()
      .rpc<Lease>("acquire_job_lease", { p_job: "j", p_holder: "b", p_ttl_seconds: 60 })
      .then((lease) => (events.push("acquired"), lease));
    // Wait until the acquire is either done or queued behind a row lock.
    for (;;) {
      if (events.length) break;
      const [{ waiting }] = (await t.sql<{ waiting: number }[]>`
        select count(*)::int as waiting from pg_stat_activity
         where wait_event_type = 'Lock' and query like '%acquire_job_lease%' and pid <> pg_backend_pid()`) as unknown as [
        { waiting: number },
      ];
      if (waiting > 0) break;
      await new Promise((r) => setImmediate(r));
    }
    expect(events).toEqual([]);

    // The fenced write lands while the old holder is still the lease's holder.
    await fenced`insert into app_private.job_runs (job, lease, holder, fencing_token) values ('j', 'j', 'a', ${
      first!.token
    })`;
    // Recorded before the commit is sent: once it lands, the acquire's answer
    // and the commit's may reach this process in either order.
    events.push("committing");
    await fenced`commit`;
    const second = await takeover;
    expect(events).toEqual(["committing", "acquired"]);
    expect(Number(second!.token)).toBeGreaterThan(Number(first!.token));
  } finally {
    fenced.release();
  }
});
