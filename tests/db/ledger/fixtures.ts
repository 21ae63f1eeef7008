// Fixtures for the ledger's database tests: the campaign's lease taken through
// begin_job_run, and a create intent as the scheduler writes it.
import { randomUUID } from "node:crypto";
import type { Db } from "../../../src/shared/ports.ts";

/** ledger_begin's row, declared once with the data layer. */
export type { BegunRow } from "../../../src/shared/data/ledger.ts";

export const LEASE = "braze:campaign:c1";

export async function takeLease(db: Db, holder = randomUUID()): Promise<number> {
  const lease = await db.rpc<{ acquired: boolean; token?: number }>("begin_job_run", {
    p_job: "ledger-test",
    p_lease: LEASE,
    p_holder: holder,
    p_ttl_seconds: 60,
  });
  if (!lease.acquired) throw new Error("lease unexpectedly taken");
  return Number(lease.token);
}

export function createIntent(matchId: number, sendAt = "2030-01-01T14:00:00Z") {
  return {
    action: "create",
    match_id: matchId,
    attempt_id: randomUUID(),
    signature: `${sendAt}|Home|Away|PL|v1`,
    send_at: sendAt,
    kickoff_at: sendAt,
    message: { match_id: matchId },
  };
}
