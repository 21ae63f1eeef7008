import { expect, test } from "vitest";
import { UpstreamError } from "../../../src/shared/errors.ts";
import { advanceSaga } from "../../../src/shared/jobs/delete-user/saga.ts";
import type { DeletionPorts, DeletionRow } from "../../../src/shared/jobs/delete-user/types.ts";

const settings = { banDuration: "876000h", claimTtlSeconds: 30, backoffBaseSeconds: 30, backoffCapSeconds: 3600 };

function fakes(failDelete: boolean) {
  const log: string[] = [];
  const row: DeletionRow = {
    user_id: "u1",
    requested_by: "self:u1",
    status: "in_progress",
    email: "ada@example.test",
    steps: {},
    attempts: 0,
    next_attempt_at: "",
    last_error: null,
    claim_token: "c1",
  };
  const ports: DeletionPorts = {
    db: {
      async rpc<T>(fn: string, args: Record<string, unknown> = {}) {
        log.push(`db:${fn}${args.p_step ? `:${args.p_step}` : ""}${args.p_outcome ? `:${args.p_outcome}` : ""}`);
        if (fn === "user_deletion_step_done") row.steps[args.p_step as "block"] = "t";
        if (fn === "user_deletion_pivot") row.steps.pivot = "t";
        if (fn === "user_deletion_fail") row.last_error = String(args.p_error);
        return { ...row } as T;
      },
    },
    auth: {
      async getUser() {
        log.push("auth:get");
        return { id: "u1", email: "ada@example.test" };
      },
      async ban() {
        log.push("auth:ban");
        return true;
      },
      async unban() {
        log.push("auth:unban");
      },
      async deleteUser() {
        log.push("auth:delete");
        if (failDelete) throw new UpstreamError("auth admin delete user failed (503)", "supabase-auth", "unknown", 503);
      },
    },
    contacts: {
      async removeContact() {
        log.push("contacts:remove");
        return { removed: true };
      },
    },
  };
  return { log, row, ports };
}

test("the steps run in order, each recorded before the next", async () => {
  const f = fakes(false);
  await advanceSaga(f.ports, f.row, settings);
  expect(f.log).toEqual([
    "auth:get",
    "auth:ban",
    "db:user_deletion_step_done:block",
    "db:user_deletion_pivot",
    "contacts:remove",
    "db:user_deletion_step_done:contact",
    "auth:delete",
    "db:user_deletion_step_done:auth",
    "db:user_deletion_finish",
  ]);
});

test("a failed auth delete after the pivot is recorded for a forward retry; the user is not unbanned", async () => {
  const f = fakes(true);
  const after = await advanceSaga(f.ports, f.row, settings);
  expect(f.log).not.toContain("auth:unban");
  expect(f.log.at(-1)).toBe("db:user_deletion_fail:retry");
  expect(after.last_error).toMatch(/step auth failed \(will retry\): auth admin delete user failed \(503\)/);
});
