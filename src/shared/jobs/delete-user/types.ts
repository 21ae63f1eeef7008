// What the delete-user saga works with.
import type { DeletionRow, StepName } from "../../data/user-deletions.ts";
import type { AuthAdmin, Contacts, Db } from "../../ports.ts";

export type { DeletionRow, StepName };
export const STEP_ORDER: StepName[] = ["block", "pivot", "contact", "auth"];

export interface DeletionPorts {
  db: Db;
  auth: AuthAdmin;
  contacts: Contacts;
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
