import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { requestDeletion, resumeDeletions } from "../../../src/shared/jobs/delete-user/run.ts";
import { type DeletionStack, settings, startDeletionStack } from "./stack.ts";

let s: DeletionStack;
beforeAll(async () => {
  s = await startDeletionStack();
});
afterAll(async () => s?.close());

/** The pivot's transaction fails once, as a lost connection would (nextval survives the rollback). */
async function failPivotOnce() {
  await s.t.sql.unsafe(`
    create sequence if not exists public.test_pivot_fail;
    select setval('public.test_pivot_fail', 1, false);
    create or replace function public.test_fail_pivot() returns trigger language plpgsql as $$
    begin
      if nextval('public.test_pivot_fail') = 1 then raise exception 'simulated failure inside the pivot'; end if;
      return old;
    end $$;
    drop trigger if exists test_fail_pivot on public.managed_calendars;
    create trigger test_fail_pivot before delete on public.managed_calendars
      for each row execute function public.test_fail_pivot();
  `);
}

const cases = [
  {
    step: "pivot",
    done: ["block"],
    inject: failPivotOnce,
    error: /step pivot failed.*simulated failure inside the pivot/,
  },
  {
    step: "contact",
    done: ["block", "pivot"],
    inject: () => s.mail.faults({ errors5xx: { next: 1, endpoint: "contact.delete" } }),
    error: /step contact failed/,
  },
  // Applied, then answered 500: the retry finds the user gone, which counts as done.
  {
    step: "auth",
    done: ["block", "pivot", "contact"],
    inject: () => s.auth.faults({ errors5xx: { next: 1, endpoint: "delete", afterCommit: true } }),
    error: /step auth failed/,
  },
] as const;

describe.sequential("a failure inside a step", () => {
  for (const c of cases) {
    test(`${c.step}: recorded with its reason, then the resumer finishes and nothing of the user remains`, async () => {
      const user = await s.seedUser();
      await c.inject();
      const first = await requestDeletion(s.ports, settings, user.id, "service_role");
      expect(first.status).toBe("in_progress");
      expect(first.steps_done).toEqual(c.done);
      expect(first.last_error).toMatch(c.error);

      const resumed = await resumeDeletions(s.ports, settings, "test");
      expect(resumed.items.find((i) => i.user_id === user.id)).toMatchObject({ status: "done" });
      expect(await s.remains(user)).toEqual({ calendars: 0, history: 0, authUser: null, contact: null });
      const effects = await s.effects(user.id, user.email);
      expect(effects).toMatchObject({ deleted: 1, contactRemoved: 1, unbanned: 0 });
      const saga = await s.saga(user.id);
      expect(saga).toMatchObject({ status: "done", email: null, attempts: 1 });
    });
  }
});
