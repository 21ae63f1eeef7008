// What the delete-user saga works with.
import type { AuthAdmin } from "../../providers/auth-admin/client.ts";
import type { ResendClient } from "../../providers/resend/client.ts";
import type { Db } from "../../ports.ts";

export type StepName = "block" | "pivot" | "contact" | "auth";
export const STEP_ORDER: StepName[] = ["block", "pivot", "contact", "auth"];

export interface DeletionRow {
  user_id: string;
  requested_by: string;
  status: "in_progress" | "compensating" | "aborted" | "done";
  email: string | null;
  steps: Partial<Record<StepName, string>> & Record<string, unknown>;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  claim_token: string | null;
}

export interface DeletionPorts {
  db: Db;
  auth: AuthAdmin;
  contacts: Pick<ResendClient, "removeContact">;
}

export interface SagaSettings {
  /** Go duration for the ban while the deletion runs. */
  banDuration: string;
  /** How long a run owns a saga without recording progress; longer than any one step. */
  claimTtlSeconds: number;
  backoffBaseSeconds: number;
  backoffCapSeconds: number;
  /** Resend audience the contact lives in; absent: Resend's global contacts. */
  audienceId?: string;
}

export const stepsDone = (row: DeletionRow): StepName[] => STEP_ORDER.filter((s) => typeof row.steps[s] === "string");
