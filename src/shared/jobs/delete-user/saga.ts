// Advancing one claimed saga as far as it will go. Each step is idempotent and
// recorded (fenced by the claim) before the next begins, so a run that dies
// anywhere leaves a row the resumer can continue from.
//
// Before the pivot the saga can be undone: if blocking fails, the user is
// unbanned and the saga is aborted with the reason. From the pivot on it can
// only be finished: a failure is recorded and retried forward with capped
// exponential backoff. The pivot's own failure is retried forward too: it is
// one transaction, so a failed pivot changed nothing, and the request stands.
import { type ClaimRef, type FailOutcome, userDeletions } from "../../data/user-deletions.ts";
import { LeaseLostError } from "../../errors.ts";
import type { DeletionPorts, DeletionRow, SagaSettings } from "./types.ts";

const message = (e: unknown) => (e as Error)?.message ?? String(e);

export async function advanceSaga(
  ports: DeletionPorts,
  claimed: DeletionRow,
  settings: SagaSettings,
): Promise<DeletionRow> {
  const claim = claimed.claim_token;
  if (!claim) throw new Error(`saga of ${claimed.user_id} is not claimed`);
  const id = claimed.user_id;
  const sql = userDeletions(ports.db);
  const key: ClaimRef = { userId: id, claim };
  const fail = (error: string, outcome: FailOutcome) =>
    sql.fail(key, {
      error,
      outcome,
      backoffBaseSeconds: settings.backoffBaseSeconds,
      backoffCapSeconds: settings.backoffCapSeconds,
    });
  let row = claimed;

  if (row.status === "compensating") return compensate(ports, key, row.last_error ?? "blocking failed", fail);

  if (!row.steps.block) {
    try {
      const user = await ports.auth.getUser(id);
      // No auth user (already deleted): nothing to block, the rest still runs.
      if (user) await ports.auth.ban(id, settings.banDuration);
      row = await sql.stepDone(key, "block", user?.email ?? null);
    } catch (e) {
      if (e instanceof LeaseLostError) throw e;
      return compensate(ports, key, `blocking the user failed: ${message(e)}`, fail);
    }
  }

  let step = "pivot";
  try {
    if (!row.steps.pivot) row = await sql.pivot(key);
    step = "contact";
    if (!row.steps.contact) {
      if (row.email) await ports.contacts.removeContact({ email: row.email, audienceId: settings.audienceId });
      row = await sql.stepDone(key, "contact");
    }
    step = "auth";
    if (!row.steps.auth) {
      await ports.auth.deleteUser(id);
      row = await sql.stepDone(key, "auth");
    }
    step = "finish";
    return await sql.finish(key);
  } catch (e) {
    // Another run owns the saga now; it will record what happens next.
    if (e instanceof LeaseLostError) throw e;
    return fail(`step ${step} failed (will retry): ${message(e)}`, "retry");
  }
}

/**
 * Undo the block: record "compensating" (fenced by the claim, which it keeps),
 * then unban (harmless if the ban never took), then abort with the reason.
 * The record comes first because the unban is a side effect outside the
 * database: a run whose ban call hung past its claim gets LeaseLostError here
 * and unbans nothing, since another run may have taken the saga past the pivot
 * meanwhile. The database refuses to compensate a saga past its pivot.
 */
async function compensate(
  ports: DeletionPorts,
  key: ClaimRef,
  reason: string,
  fail: (error: string, outcome: FailOutcome) => Promise<DeletionRow>,
): Promise<DeletionRow> {
  await userDeletions(ports.db).compensating(key, reason);
  try {
    await ports.auth.unban(key.userId);
  } catch (e) {
    return fail(`${reason}; unbanning failed too, will retry: ${message(e)}`, "compensating");
  }
  return fail(`${reason}; the user was unbanned and nothing was deleted`, "aborted");
}
