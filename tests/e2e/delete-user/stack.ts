// The test stack (tests/support/stack.ts) as the delete-user tests use it: the
// served functions with the Auth and Resend simulators over a fresh database.
import type { GoTrueSimulator } from "../../../dev/sim/gotrue.ts";
import type { ResendSimulator } from "../../../dev/sim/resend.ts";
import type { TestDatabase } from "../../support/db.ts";
import { startTestStack } from "../../support/stack.ts";

export const AUDIENCE = "aud_members";

export interface DeletionStack {
  t: TestDatabase;
  gotrue: GoTrueSimulator;
  resend: ResendSimulator;
  fns: { url(name: string): string };
  close(): Promise<void>;
}

export async function startDeletionStack(): Promise<DeletionStack> {
  const stack = await startTestStack({ env: { RESEND_AUDIENCE_ID: AUDIENCE } });
  return {
    t: stack.database,
    gotrue: stack.sims.gotrue!,
    resend: stack.sims.resend!,
    fns: { url: stack.url },
    close: stack.close,
  };
}
