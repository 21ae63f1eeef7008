// "Killed": the run stops at a point and never does anything again. Here it
// waits forever on a call that never returns and is abandoned; its claim
// lapses (1 s) and the resumer takes the saga over.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { requestDeletion, resumeDeletions } from "../../../src/shared/jobs/delete-user/run.ts";
import type { DeletionPorts } from "../../../src/shared/jobs/delete-user/types.ts";
import { type DeletionStack, settings, startDeletionStack } from "./stack.ts";

let s: DeletionStack;
beforeAll(async () => {
  s = await startDeletionStack();
});
afterAll(async () => s?.close());

const never = () => new Promise<never>(() => {});

/** The ports of a run that dies at `point`. */
function dyingAt(point: string): DeletionPorts {
  const { db, auth, contacts } = s.ports;
  return {
    db: {
      rpc: (fn, args = {}) => {
        if (point === `rpc:${fn}` || point === `rpc:${fn}:${String(args.p_step)}`) return never();
        return db.rpc(fn, args);
      },
    },
    auth: { ...auth, deleteUser: point === "auth.deleteUser" ? never : auth.deleteUser },
    contacts: { removeContact: point === "contacts.removeContact" ? never : contacts.removeContact },
  };
}

const cases = [
  { after: "block (recorded)", point: "rpc:user_deletion_pivot", done: ["block"] },
  { after: "the pivot", point: "contacts.removeContact", done: ["block", "pivot"] },
  {
    after: "removing the contact, before recording it",
    point: "rpc:user_deletion_step_done:contact",
    done: ["block", "pivot"],
  },
  {
    after: "deleting the auth user, before recording it",
    point: "rpc:user_deletion_step_done:auth",
    done: ["block", "pivot", "contact"],
  },
  {
    after: "the last step, before marking the saga done",
    point: "rpc:user_deletion_finish",
    done: ["block", "pivot", "contact", "auth"],
  },
];

describe.sequential("a run killed right after a step", () => {
  for (const c of cases) {
    test(`after ${c.after}: the resumer finishes, nothing remains, no harmful repeat`, async () => {
      const user = await s.seedUser();
      void requestDeletion(dyingAt(c.point), { ...settings, claimTtlSeconds: 1 }, user.id, "service_role");
      await expect.poll(
        async () => Object.keys((await s.saga(user.id))?.steps ?? {}).filter((k) => k !== "pivot_counts").sort(),
        { timeout: 10_000 },
      )
        .toEqual([...c.done].sort());

      // The dead run's claim lapses; until then the resumer finds nothing due for this user.
      await expect.poll(async () => {
        await resumeDeletions(s.ports, settings, "test");
        return (await s.saga(user.id)).status;
      }, { timeout: 15_000, interval: 250 }).toBe("done");

      expect(await s.remains(user)).toEqual({ calendars: 0, history: 0, authUser: null, contact: null });
      const effects = await s.effects(user.id, user.email);
      // Repeats that find the thing already gone are answered "not found" and change nothing.
      expect(effects.deleted).toBe(1);
      // A removal the dead run never recorded is repeated; Resend answers a
      // delete of a contact already gone with 200 deleted:true, so that repeat
      // is the one counted twice, and it removes nothing more.
      expect(effects.contactRemoved).toBe(c.point === "rpc:user_deletion_step_done:contact" ? 2 : 1);
      expect(effects.unbanned).toBe(0);
    });
  }
});
