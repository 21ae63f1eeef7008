// The guard mutations the tests must catch. `npm run mutants` applies each one
// alone to a scratch copy of the repository, runs only its `tests`, and counts
// it killed when at least one of them fails (dev/mutants/run.ts).
//
// Rules for an entry:
// - `find` is exact text of `file` and must occur exactly once (the runner
//   refuses the entry otherwise); `replace` is what it becomes ("" removes it).
//   Keep the SQL or TypeScript valid after the edit: a mutant that breaks the
//   migration or the import is a syntax check, not a test of the guard.
// - `banner`, for a migration guard, is a piece of the `-- Guard` comment the
//   mutant removes the protection of; `--list` fails when a `-- Guard` banner
//   in supabase/migrations/ is covered by no entry.
// - `tests` are the test files that should notice (paths from the repo root).
// - `expect: "survive"` marks a known gap: the runner still runs it and still
//   fails when it survives; the mark only says the gap is known and why.
// - `expect: "equivalent"` marks a mutant no test can tell apart from the real
//   code, with the one-line reason in `why` (another guard refuses the same
//   input the same way). It is still run: surviving is reported "equivalent"
//   and does not fail the run; being killed means the reason no longer holds.

export interface Mutant {
  id: string;
  /** What the guard protects, in one line: the table's first column. */
  guard: string;
  file: string;
  find: string;
  replace: string;
  banner?: string;
  tests: string[];
  expect?: "survive" | "equivalent";
  why?: string;
}

const LEASES = "supabase/migrations/20261122000100_create_job_leases_and_runs.sql";
const LEDGER = "supabase/migrations/20261122000200_create_schedule_ledger.sql";
const CALENDARS = "supabase/migrations/20261122001000_create_managed_calendars.sql";
const EMAIL = "supabase/migrations/20261122002000_create_email_history.sql";
const BROADCASTS = "supabase/migrations/20261122003000_create_broadcasts.sql";
const DELETIONS = "supabase/migrations/20261122004000_create_user_deletions.sql";
const CRON = "supabase/migrations/20261122005000_schedule_supabase_cron.sql";

const T = {
  leaseExpired: "tests/db/leases/an expired lease is re-acquired with a larger token.test.ts",
  leaseFifty: "tests/db/leases/fifty concurrent acquirers get exactly one lease token.test.ts",
  bcRefusedInput:
    "tests/db/broadcasts/a broadcast without its fields, an unknown id or an unknown action is refused and changes nothing.test.ts",
  mailNoIdOrTime:
    "tests/db/resend-webhook/an email event without its email id or time is refused and stores nothing.test.ts",
  translationsGarbage:
    "tests/db/translations/a batch with a garbage translation stores the good entries and skips the bad one.test.ts",
  leaseExpiredRenew: "tests/db/leases/an expired lease cannot be renewed even by its own holder.test.ts",
  ledgerSettledRow:
    "tests/db/ledger/a settle of a row no longer between states changes nothing even with its current version.test.ts",
  leaseTakeover: "tests/db/leases/a takeover waits for a fenced write that checked the lease to commit.test.ts",
  adapters: "tests/db/adapters/the rest and direct adapters give the same results and typed errors.test.ts",
  ledgerStaleToken: "tests/db/ledger/a write with a stale lease token is rejected and changes nothing.test.ts",
  ledgerCas: "tests/db/ledger/a compare-and-set with a stale version changes nothing.test.ts",
  ledgerUncertainStale: "tests/db/ledger/a settle of an uncertain row with a stale version changes nothing.test.ts",
  ledgerUnique: "tests/db/ledger/the unique index rejects a second live row for a match.test.ts",
  ledgerBatch: "tests/db/ledger/one conflicting item in a begin batch is reported and the rest is written.test.ts",
  ledgerOtherLease: "tests/db/ledger/a token of another lease cannot write a campaign's rows.test.ts",
  ledgerRedated: "tests/db/ledger/a match re-dated after its push went out is scheduled again.test.ts",
  racesSecondRun:
    "tests/e2e/braze-races/a second run while the first is inside braze is refused and inserts nothing.test.ts",
  racesExpiredCreate:
    "tests/e2e/braze-races/a run whose lease expired during a create cannot overwrite the ledger and the next run does not create again.test.ts",
  racesUpdateInFlight:
    "tests/e2e/braze-races/a kickoff update in flight when the lease expires is not sent twice.test.ts",
  schedulerTen:
    "tests/e2e/braze-scheduler/ten concurrent invocations give one completed run and one schedule per match.test.ts",
  schedulerAuth:
    "tests/e2e/braze-scheduler/callers without the cron secret or with a bad body are refused and change nothing.test.ts",
  calMalformed: "tests/db/calendar-sync/a malformed payload is refused by the database before anything changes.test.ts",
  calTwenty: "tests/db/calendar-sync/twenty concurrent syncs of one user leave exactly one of the sent sets.test.ts",
  calTwentyHttp: "tests/e2e/calendar-sync/twenty concurrent syncs over http leave exactly one of the sent sets.test.ts",
  calStaleRevision: "tests/db/calendar-sync/a stale expected revision changes nothing.test.ts",
  calSecurity:
    "tests/security/calendar-sync answers 4xx to any malformed or unauthenticated request and changes nothing.test.ts",
  mailUnknown: "tests/db/resend-webhook/an unknown event type is stored and changes no email.test.ts",
  mailRedelivered: "tests/db/resend-webhook/a redelivered svix id is counted once.test.ts",
  mailLateDelivered: "tests/db/resend-webhook/a late delivered never overwrites bounced or complained.test.ts",
  mailEarliestOpen: "tests/db/resend-webhook/the earliest open wins whatever order deliveries arrive in.test.ts",
  mailClicks: "tests/db/resend-webhook/concurrent clicks on one email are all kept with their links.test.ts",
  mailForget: "tests/db/resend-webhook/forgetting a recipient keeps counts but no personal data.test.ts",
  mailForgetRace:
    "tests/db/resend-webhook/a forget racing the first webhook of the same recipient leaves nothing of the address.test.ts",
  mailAfterForget:
    "tests/db/resend-webhook/webhooks arriving after a forget keep nothing personal of the forgotten recipient.test.ts",
  leaseRenewalFails:
    "tests/unit/lease/a withLease whose renewal fails stops at its next assertLive and finishes lease_lost.test.ts",
  leaseRenewalSilent: "tests/unit/lease/a renewal that never answers stops the run.test.ts",
  mailAnyOrder:
    "tests/db/resend-webhook/any webhook events end in the same email status whatever order they arrive in.test.ts",
  mailSecurity:
    "tests/security/resend-webhook answers 4xx to any malformed or unsigned delivery and changes nothing.test.ts",
  mailSignatureUnit: "tests/unit/resend-webhook/only a valid recent signature reaches the database.test.ts",
  mailForgedE2e: "tests/e2e/resend-webhook/forged tampered and replayed deliveries get 401 and store nothing.test.ts",
  schedulerFirstRun:
    "tests/e2e/braze-scheduler/team names are sent in every locale and translated once even by a slow translator.test.ts",
  bcTwentyBegins: "tests/db/broadcasts/twenty concurrent schedule begins start exactly one operation.test.ts",
  bcSuperseded: "tests/db/broadcasts/a caller superseded by the resolver cannot settle the row.test.ts",
  bcTwentyClicks:
    "tests/e2e/broadcasts/twenty concurrent schedule clicks make one provider schedule and nineteen 409s.test.ts",
  bcEditorRetry:
    "tests/e2e/broadcasts/a failed database write after the provider accepted is finished by the editor's retry with one email.test.ts",
  bcTimedOut:
    "tests/e2e/broadcasts/a timed-out call that went through is settled to what the provider has and never repeated.test.ts",
  bcCrash: "tests/e2e/broadcasts/a crash after the provider accepted never sends the broadcast twice.test.ts",
  bcBounded:
    "tests/e2e/broadcasts/every uncertain broadcast is settled within a bounded number of resolver runs.test.ts",
  bcFromDraft: "tests/db/broadcasts/schedule starts only from draft.test.ts",
  bcRollbackUnit: "tests/unit/broadcasts/a rejected provider call rolls back to what the provider has.test.ts",
  bcSecurity:
    "tests/security/broadcasts answers 4xx to any malformed or unauthenticated request and changes nothing.test.ts",
  delTwo: "tests/db/delete-user/two concurrent deletion requests make one saga and each side effect once.test.ts",
  delKilled: "tests/db/delete-user/a run killed right after any step is finished by the resumer.test.ts",
  delFailureAfterBlock:
    "tests/db/delete-user/a failure inside any step after blocking is finished by the resumer.test.ts",
  delFailureBlocking: "tests/db/delete-user/a failure while blocking unbans the user and the saga says why.test.ts",
  delStaleBan:
    "tests/db/delete-user/a stale run whose ban hangs past its claim and then fails never unbans a user another run took past the pivot.test.ts",
  delUnit: "tests/unit/delete-user/a failure after the pivot is retried forward and never unbans.test.ts",
  delTokenAfterRequest:
    "tests/e2e/delete-user/a deleted user's still-valid token syncs nothing from the moment the deletion is requested.test.ts",
  delPivotRace:
    "tests/db/delete-user/a sync and the deletion pivot racing never deadlock and leave no calendars.test.ts",
  delOutOfOrder: "tests/db/delete-user/a saga step recorded out of order is refused and changes nothing.test.ts",
  delPastPivot: "tests/db/delete-user/a deletion past its pivot is never aborted or compensated.test.ts",
  leaseBusyAtOnce:
    "tests/db/leases/an acquire while another claim of the same lease is uncommitted answers busy at once.test.ts",
  runFinishedTwice: "tests/db/leases/a run finished twice keeps its first outcome.test.ts",
  bcUncertainSameOp:
    "tests/db/broadcasts/an uncertain broadcast resumes only the same operation at the same time.test.ts",
  bcUnresolvedWaits:
    "tests/db/broadcasts/an unresolved broadcast refuses every action and says it waits for an operator.test.ts",
  bcProviderIdRequired: "tests/db/broadcasts/a provider id recorded for a broadcast must be a non-empty string.test.ts",
  bcOneProviderBroadcast:
    "tests/db/broadcasts/a second provider broadcast for one row is refused and the first id is kept.test.ts",
  bcRollbackResting:
    "tests/db/broadcasts/a rollback to a state the provider cannot rest in is refused and changes nothing.test.ts",
  bcSettleKnownState:
    "tests/db/broadcasts/a settle to a provider state it cannot mirror is refused naming the state and changes nothing.test.ts",
  bcSettleScheduledTime:
    "tests/db/broadcasts/a settle to scheduled without its time is refused naming the missing time and changes nothing.test.ts",
  bcRequeueUnresolvedOnly: "tests/db/broadcasts/only an unresolved broadcast can be requeued.test.ts",
  bcClaimSaneInput:
    "tests/db/broadcasts/the resolver's claim refuses a negative grace or an unbounded batch and claims nothing.test.ts",
  delRequestWaits:
    "tests/db/delete-user/a deletion request waits for a write already running on the user's behalf.test.ts",
  delPivotNeedsBlock:
    "tests/db/delete-user/the pivot refuses a saga whose user is not blocked yet and deletes nothing.test.ts",
  delFinishAllSteps: "tests/db/delete-user/a deletion is finished only when every step is recorded.test.ts",
  cronNotAvailable: "tests/cron/on a server without pg_cron the cron migration says pg_cron is not available.test.ts",
  cronNotCreatable:
    "tests/cron/where pg_cron cannot be created the migrations still apply and schedule nothing.test.ts",
  cronNoPgNet: "tests/cron/on a server that offers no pg_net the cron migration does not try to create it.test.ts",
  cronNoHttpPost: "tests/cron/where net.http_post is missing re-syncing schedules nothing and says why.test.ts",
  ledgerOneOwner:
    "tests/db/ledger/a braze schedule already owned by a live row cannot be settled onto another row.test.ts",
  ledgerNamedLease:
    "tests/db/ledger/a write naming a lease other than the campaign's is refused even with the campaign's live token.test.ts",
  guardUnknownKey: "tests/db/send-guard/an unknown key is refused.test.ts",
  guardCancelled: "tests/db/send-guard/a cancelled match's key is refused.test.ts",
  guardFailedOrSuperseded: "tests/db/send-guard/a failed or superseded attempt's key is refused.test.ts",
  guardFarFromSendTime:
    "tests/db/send-guard/a key asked far from its row's send time is refused and claims nothing.test.ts",
  guardOnce:
    "tests/db/send-guard/two uncertain attempts that both exist deliver exactly once, even asked at the same moment.test.ts",
  guardCancelRace:
    "tests/db/ledger/a cancel that commits while its match's key is being asked is never delivered.test.ts",
  guardUncertainCancel:
    "tests/db/send-guard/a match whose cancel went unanswered is not announced by its old schedule.test.ts",
  guardUncertainCancelRace:
    "tests/db/send-guard/a cancel that goes unanswered while its match's key is being asked is never delivered.test.ts",
  ledgerHistory:
    "tests/db/maintenance/ledger rows that are history are pruned past their retention with their guard keys and live or unresolved rows never.test.ts",
  refusedCancel:
    "tests/db/send-guard/a match whose cancel was refused or never sent is not announced by its old schedule.test.ts",
  failedRowRetiredLate:
    "tests/db/send-guard/a failed row's earlier unknown schedule can still deliver after its send time passes.test.ts",
  maintenanceGuards:
    "tests/db/maintenance/pruning refuses a stale lease holder and unbounded or too-short retention.test.ts",
  cronWithout: "tests/cron/without pg_cron the cron migration schedules nothing and says why.test.ts",
  cronEvery:
    "tests/cron/every cron schedule becomes a pg_cron job that posts to its function with the Vault secret.test.ts",
  cronResync:
    "tests/cron/re-syncing follows the schedule list, keeps paused jobs paused and leaves hand-made jobs alone.test.ts",
  brazeTimeout: "tests/unit/providers/a braze create that times out is reported as unknown and never retried.test.ts",
  braze5xx: "tests/unit/providers/a braze create answered with a 5xx is reported as unknown and not retried.test.ts",
  brazeRefused:
    "tests/unit/providers/a braze create whose connection was refused is retried because it was never sent.test.ts",
  opsAuth:
    "tests/unit/ops-status/only the cron secret or the service-role key in the authorization header reads the snapshot.test.ts",
  opsHostile: "tests/unit/ops-status/random and hostile requests without the secret get 4xx and read nothing.test.ts",
  resumeSecurity:
    "tests/security/delete-user-resume answers 4xx to any malformed or unauthenticated request and changes nothing.test.ts",
};

export const mutants: Mutant[] = [
  // ---------------------------------------------------------------- leases
  {
    id: "lease-typed-error",
    guard: "assert_job_lease raises the typed lease_lost error (PT409 + hint)",
    file: LEASES,
    find: "  if not found then\n    raise exception using errcode = 'PT409', hint = 'lease_lost',",
    replace: "  if not found then\n    raise exception using errcode = 'PT409', hint = 'conflict',",
    banner: "Guard: every typed error the project raises uses a PostgREST-style SQLSTATE",
    tests: [T.ledgerStaleToken, T.ledgerOtherLease],
  },
  {
    id: "lease-acquire-nonblocking",
    guard: "acquire_job_lease answers busy at once instead of queueing behind a concurrent claim",
    file: LEASES,
    find:
      "  if not pg_try_advisory_xact_lock(hashtextextended('job_lease:' || p_job, 0)) then\n    return null;\n  end if;\n",
    replace: "",
    banner: "Guard: non-blocking. A concurrent acquirer of the same name is mid-claim;",
    tests: [T.leaseBusyAtOnce, T.leaseFifty],
  },
  {
    id: "lease-acquire-free-or-expired",
    guard: "acquire_job_lease takes only a free or expired lease",
    file: LEASES,
    find: "        expires_at = excluded.expires_at\n    where l.expires_at <= now()\n",
    replace: "        expires_at = excluded.expires_at\n",
    banner: "Guard: claim only a free or expired lease, judged by the database clock so",
    tests: [T.leaseExpired, T.leaseFifty],
  },
  {
    id: "lease-fence-token",
    guard: "a write fenced by a stale or expired token is refused",
    file: LEASES,
    find: "   where job = p_job and token = p_token and expires_at > now()\n     for share;",
    replace: "   where job = p_job\n     for share;",
    banner: "Guard: fencing. FOR SHARE makes a concurrent acquire (an UPDATE of this",
    tests: [T.ledgerStaleToken, T.racesExpiredCreate],
  },
  {
    id: "lease-fence-for-share",
    guard: "a takeover waits for the fenced write that passed the check to commit",
    file: LEASES,
    find: "   where job = p_job and token = p_token and expires_at > now()\n     for share;",
    replace: "   where job = p_job and token = p_token and expires_at > now();",
    banner: "Guard: fencing. FOR SHARE makes a concurrent acquire (an UPDATE of this",
    tests: [T.leaseTakeover, T.ledgerStaleToken],
  },
  {
    id: "lease-renew-live-only",
    guard: "only the live holder renews, never an expired lease",
    file: LEASES,
    find: "   where job = p_job and token = p_token and expires_at > now()\n  returning expires_at into v_expires_at;",
    replace: "   where job = p_job and token = p_token\n  returning expires_at into v_expires_at;",
    banner: "Guard: only the live holder renews, and never an expired lease: once it",
    tests: [T.leaseExpiredRenew, T.leaseExpired],
  },
  {
    id: "lease-release-own-only",
    guard: "releasing someone else's lease is a no-op",
    file: LEASES,
    find: "  delete from app_private.job_leases where job = p_job and token = p_token;",
    replace: "  delete from app_private.job_leases where job = p_job;",
    banner: "Guard: releasing someone else's lease is a no-op, not an error: a run",
    tests: [T.leaseExpired],
  },
  {
    id: "run-finish-once",
    guard: "a run is finished once; a retried finish keeps the first outcome",
    file: LEASES,
    find: "   where id = p_run_id and finished_at is null\n",
    replace: "   where id = p_run_id\n",
    banner: "Guard: a run is finished once; a second finish (a retried request) keeps",
    tests: [T.runFinishedTwice],
  },

  // ---------------------------------------------------------------- ledger
  {
    id: "ledger-one-live-row",
    guard: "at most one live ledger row per (campaign, match)",
    file: LEDGER,
    find: "create unique index schedule_ledger_one_live_row",
    replace: "create index schedule_ledger_one_live_row",
    banner: "Guard: at most one live row per (campaign, match). A cancelled or sent row",
    tests: [T.ledgerUnique, T.ledgerBatch],
  },
  {
    id: "ledger-one-owner-per-schedule",
    guard: "one Braze schedule id belongs to at most one live row",
    file: LEDGER,
    find: "create unique index schedule_ledger_one_owner_per_schedule",
    replace: "create index schedule_ledger_one_owner_per_schedule",
    banner: "Guard: one Braze schedule belongs to at most one live row.",
    tests: [T.ledgerOneOwner, T.ledgerUnique],
  },
  {
    id: "ledger-begin-second-live-row",
    guard: "a second live row for a match is a conflict for that item only, not the batch",
    file: LEDGER,
    find: "      exception when unique_violation then\n        v_row := null;\n      end;",
    replace: "      end;",
    banner: "Guard: the partial unique index turns a second live row for the match",
    tests: [T.ledgerBatch, T.ledgerUnique],
  },
  {
    id: "ledger-begin-cas",
    guard: "ledger_begin does not apply an update whose version is stale",
    file: LEDGER,
    find:
      "'attempt_id', attempt_id),\n             signature = v_intent ->> 'signature', send_at = (v_intent ->> 'send_at')::timestamptz,\n             kickoff_at = (v_intent ->> 'kickoff_at')::timestamptz,\n             message = coalesce(v_intent -> 'message', '{}'::jsonb),\n             last_error = null, fencing_token = p_token, updated_at = now()\n       where id = (v_intent ->> 'id')::bigint and campaign_id = p_campaign_id\n         and version = (v_intent ->> 'version')::integer and status = 'scheduled'",
    replace:
      "'attempt_id', attempt_id),\n             signature = v_intent ->> 'signature', send_at = (v_intent ->> 'send_at')::timestamptz,\n             kickoff_at = (v_intent ->> 'kickoff_at')::timestamptz,\n             message = coalesce(v_intent -> 'message', '{}'::jsonb),\n             last_error = null, fencing_token = p_token, updated_at = now()\n       where id = (v_intent ->> 'id')::bigint and campaign_id = p_campaign_id\n         and status = 'scheduled'",
    banner: "Guard: compare-and-set. A stale version (or a row that moved on) is a",
    tests: [T.ledgerCas, T.ledgerBatch],
  },
  {
    id: "ledger-fence-campaign-lease",
    guard: "a ledger write is fenced by the campaign's own lease, not one the caller names",
    file: LEDGER,
    find: "  perform app_private.assert_job_lease(app_private.braze_campaign_lease(p_campaign_id), p_token);",
    replace: "  perform app_private.assert_job_lease(p_lease, p_token);",
    banner: "Guard: fencing scoped to the resource. The write names the lease it is",
    tests: [T.ledgerOtherLease, T.ledgerNamedLease, T.ledgerStaleToken],
    expect: "equivalent",
    why:
      "equivalent: the lease-name check just above lets only p_lease = the campaign's lease through, so both forms check the same lease",
  },
  {
    id: "ledger-fence-campaign-lease-name",
    guard: "a ledger write naming another lease is refused",
    file: LEDGER,
    find: "  if p_lease is distinct from app_private.braze_campaign_lease(p_campaign_id) then",
    replace: "  if false then",
    banner: "Guard: fencing scoped to the resource. The write names the lease it is",
    tests: [T.ledgerNamedLease, T.ledgerOtherLease],
  },
  {
    id: "ledger-settle-version",
    guard: "ledger_settle applies only the version the intent was written with",
    file: LEDGER,
    find: "       and campaign_id = p_campaign_id\n       and version = (v_result ->> 'version')::integer\n",
    replace: "       and campaign_id = p_campaign_id\n",
    banner: "Guard: compare-and-set on the version the intent was written with, and",
    tests: [T.ledgerUncertainStale, T.ledgerCas],
  },
  {
    id: "ledger-settle-unresolved-only",
    guard: "ledger_settle settles only a row still between states",
    file: LEDGER,
    find:
      "       and status in ('creating', 'updating', 'cancelling', 'uncertain')\n       and fencing_token <= p_token\n       for update;",
    replace: "       and fencing_token <= p_token\n       for update;",
    banner: "Guard: compare-and-set on the version the intent was written with, and",
    tests: [T.ledgerSettledRow, T.ledgerCas, T.ledgerUncertainStale],
  },

  // ------------------------------------------------------- delivery guard
  {
    id: "send-guard-unknown-key",
    guard: "a key the ledger never wrote is refused",
    file: LEDGER,
    find:
      "  if v_ledger_id is null then\n    return jsonb_build_object('send', false, 'reason', 'unknown key');\n  end if;\n",
    replace: "",
    banner: "Guard: a key the ledger never wrote was never sent to Braze by this",
    tests: [T.guardUnknownKey],
  },
  {
    id: "send-guard-claimed-keeps-yes",
    guard: "the key that claimed the delivery keeps its yes for later recipients",
    file: LEDGER,
    find:
      "  if v_delivered_by = p_key then\n    return jsonb_build_object('send', true, 'reason', 'delivery claimed by this key');\n  elsif v_delivered_by is not null then",
    replace: "  if false then\n    return null;\n  elsif v_delivered_by is not null then",
    banner: "Guard: the delivery is claimed once per match. The claiming key keeps",
    tests: [T.guardOnce, T.guardFailedOrSuperseded],
  },
  {
    id: "send-guard-claimed-refuses-others",
    guard: "once a key claimed the delivery every other key is refused at once",
    file: LEDGER,
    find:
      "  elsif v_delivered_by is not null then\n    return jsonb_build_object('send', false, 'reason', 'another schedule of this match delivered');\n  end if;\n\n  -- Guard: an attempt",
    replace: "  end if;\n\n  -- Guard: an attempt",
    banner: "Guard: the delivery is claimed once per match. The claiming key keeps",
    tests: [T.guardOnce, T.guardFailedOrSuperseded],
    expect: "equivalent",
    why:
      "equivalent in the answer: the claim's update needs delivered_by null, so any other key is refused (send false) all the same; only the reason can differ, when that key is also failed, superseded or off time",
  },
  {
    id: "send-guard-failed-attempt",
    guard: "a key of a create Braze refused is refused",
    file: LEDGER,
    find: "  if v_state = 'failed' then\n    return jsonb_build_object('send', false, 'reason', 'attempt failed');",
    replace: "  if false then\n    return jsonb_build_object('send', false, 'reason', 'attempt failed');",
    banner: "Guard: an attempt Braze refused (or whose schedule is gone) and one a",
    tests: [T.guardFailedOrSuperseded],
  },
  {
    id: "send-guard-superseded-attempt",
    guard: "a key of an attempt a confirmed one replaced is refused",
    file: LEDGER,
    find: "  elsif v_state = 'superseded' then",
    replace: "  elsif false then",
    banner: "Guard: an attempt Braze refused (or whose schedule is gone) and one a",
    tests: [T.guardFailedOrSuperseded],
  },
  {
    id: "send-guard-cancelled-match",
    guard: "a cancelled match (or one being cancelled) is not announced",
    file: LEDGER,
    find:
      "  if v_status in ('cancelled', 'cancelling') then\n    return jsonb_build_object('send', false, 'reason', 'match cancelled');",
    replace: "  if false then\n    return jsonb_build_object('send', false, 'reason', 'match cancelled');",
    banner: "Guard: a cancelled match (or one being cancelled) is not announced, even",
    tests: [T.guardCancelled, T.guardCancelRace],
    expect: "equivalent",
    why:
      "equivalent: the claim's update refuses a cancelled or cancelling row too and answers 'match cancelled'; send-guard-claim-not-cancelled is the race only the update sees",
  },
  {
    id: "send-guard-claim-not-cancelled",
    guard: "a cancel that commits while a key is being asked stops the claim",
    file: LEDGER,
    find: "   where id = v_ledger_id and delivered_by is null and status not in ('cancelled', 'cancelling')",
    replace: "   where id = v_ledger_id and delivered_by is null",
    banner: "Guard: a cancelled match (or one being cancelled) is not announced, even",
    tests: [T.guardCancelRace, T.guardCancelled],
  },
  {
    id: "send-guard-uncertain-cancel",
    guard: "a match whose cancel went unanswered is not announced by its old schedule",
    file: LEDGER,
    find:
      "  if v_uncertain_op = 'cancel' then\n    return jsonb_build_object('send', false, 'reason', 'match cancelled');",
    replace: "  if false then\n    return jsonb_build_object('send', false, 'reason', 'match cancelled');",
    banner: "Guard: nor one whose delete went unanswered (uncertain about its",
    tests: [T.guardUncertainCancel, T.guardUncertainCancelRace],
    expect: "equivalent",
    why:
      "equivalent: the claim's update refuses a row uncertain about its cancel too, and the fresh read then answers 'match cancelled'; send-guard-claim-not-uncertain-cancel removes that condition",
  },
  {
    id: "send-guard-claim-not-uncertain-cancel",
    guard: "the claim refuses a row uncertain about its cancel",
    file: LEDGER,
    find: "     and uncertain_op is distinct from 'cancel'\n",
    replace: "",
    banner: "Guard: nor one whose delete went unanswered (uncertain about its",
    tests: [T.guardUncertainCancelRace, T.guardUncertainCancel],
  },
  {
    id: "send-guard-send-time",
    guard: "a schedule firing far from the ledger's send time is refused",
    file: LEDGER,
    find: "  if abs(extract(epoch from now() - v_send_at)) > p_tolerance_seconds then",
    replace: "  if false then",
    banner: "Guard: the schedule fires when the ledger says, on the database's clock.",
    tests: [T.guardFarFromSendTime],
  },
  {
    id: "send-guard-claim-once",
    guard: "of two keys asking at once only the first claims the delivery",
    file: LEDGER,
    find: "   where id = v_ledger_id and delivered_by is null and status not in ('cancelled', 'cancelling')",
    replace: "   where id = v_ledger_id and status not in ('cancelled', 'cancelling')",
    banner: "Guard: the claim. One conditional update: of two keys asking at once,",
    tests: [T.guardOnce],
  },

  // ------------------------------------------------------------- calendars
  {
    id: "calendars-payload-shape",
    guard: "a malformed calendar payload is refused before anything is written",
    file: CALENDARS,
    find: "  if v_bad_index is not null then",
    replace: "  if false then",
    banner: "Guard: the payload's shape, checked before anything is written so that a",
    tests: [T.calMalformed],
  },
  {
    id: "calendars-unique-id",
    guard: "a payload naming one calendar_id twice is refused",
    file: CALENDARS,
    find: "  if v_duplicate is not null then",
    replace: "  if false then",
    banner: "Guard: one calendar_id once. Two elements for one calendar would make the",
    tests: [T.calMalformed, T.calSecurity],
  },
  {
    id: "calendars-user-write-lock",
    guard: "syncs of one user apply one after the other",
    file: DELETIONS,
    find: "  perform pg_advisory_xact_lock(hashtextextended('user_writes:' || p_user_id::text, 0));",
    replace: "",
    banner: "Guard: syncs of one user apply one after the other",
    tests: [T.calTwenty, T.calTwentyHttp],
  },
  {
    id: "calendars-expected-revision",
    guard: "a sync computed from an old revision cannot overwrite a newer one",
    file: CALENDARS,
    find: "  if p_expected_revision is not null and p_expected_revision <> v_revision then",
    replace: "  if false then",
    banner: "Guard: optimistic concurrency for clients. A client that read revision N",
    tests: [T.calStaleRevision],
  },

  // ---------------------------------------------------------- email history
  {
    id: "email-event-needs-id-and-time",
    guard: "an email event without email_id or time is refused and stores nothing",
    file: EMAIL,
    find:
      "  if v_status is not null and (p_email_id is null or length(p_email_id) not between 1 and 200 or p_occurred_at is null) then",
    replace: "  if false then",
    banner: "Guard: an event about an email must say which email and when, or it",
    tests: [T.mailNoIdOrTime, T.mailUnknown, T.mailSecurity],
  },
  {
    id: "email-once-per-svix-id",
    guard: "a redelivered svix id is applied once",
    file: EMAIL,
    find: "  if v_inserted is null then\n    return jsonb_build_object('duplicate', true",
    replace: "  if false then\n    return jsonb_build_object('duplicate', true",
    banner: "Guard: exactly once per svix-id. A concurrent redelivery of the same id",
    tests: [T.mailRedelivered],
  },
  {
    id: "email-status-rank",
    guard: "status only moves forward (a late delivered never undoes a bounce)",
    file: EMAIL,
    find:
      "    status = case when app_private.email_status_rank(excluded.status) > app_private.email_status_rank(h.status)\n                  then excluded.status else h.status end,",
    replace: "    status = excluded.status,",
    banner: "Guard: commutative, conditional updates. Whatever order deliveries arrive",
    tests: [T.mailLateDelivered],
  },
  {
    id: "email-first-open-least",
    guard: "the earliest open stays the first-open time in any arrival order",
    file: EMAIL,
    find: "    opened_at = least(h.opened_at, excluded.opened_at),",
    replace: "    opened_at = coalesce(excluded.opened_at, h.opened_at),",
    banner: "Guard: commutative, conditional updates. Whatever order deliveries arrive",
    tests: [T.mailEarliestOpen],
  },
  {
    id: "email-click-count-increment",
    guard: "every click counts (increments, never a read-modify-write)",
    file: EMAIL,
    find: "    click_count = h.click_count + excluded.click_count,",
    replace: "    click_count = greatest(h.click_count, excluded.click_count),",
    banner: "Guard: commutative, conditional updates. Whatever order deliveries arrive",
    tests: [T.mailClicks, T.mailRedelivered],
  },

  {
    id: "email-forgotten-recipient-lock",
    guard: "a webhook and a forget of the same address never interleave",
    file: EMAIL,
    find:
      "    perform pg_catalog.pg_advisory_xact_lock_shared(pg_catalog.hashtextextended('email_recipient:' || v_address, 0));\n",
    replace: "    null;\n",
    banner: "Guard: a delivery about a forgotten recipient stores nothing personal.",
    tests: [T.mailForgetRace, T.mailForget],
  },
  {
    id: "email-forgotten-recipient-scrub",
    guard: "a delivery about a forgotten recipient stores nothing personal",
    file: EMAIL,
    find: "     where f.recipient_hmac = any (app_private.email_recipient_hmacs(v_addresses)));",
    replace: "     where false);",
    banner: "Guard: a delivery about a forgotten recipient stores nothing personal.",
    tests: [T.mailAfterForget, T.mailForget],
  },
  {
    id: "email-forget-exclusive-lock",
    guard: "forgetting an address waits for the webhooks writing it",
    file: EMAIL,
    find:
      "  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('email_recipient:' || a, 0))\n     from unnest(v_addresses) as a order by a;\n",
    replace: "",
    banner: "Guard: exclusive per address, in sorted order, against the shared lock a",
    tests: [T.mailForgetRace, T.mailForget],
  },
  {
    id: "translations-skip-bad-entries",
    guard: "a translator's garbage is skipped, never fails the cache write",
    file: "supabase/migrations/20261122000400_create_translation_cache.sql",
    find: "     and length(e ->> 'translation') between 1 and 2000\n",
    replace: "",
    banner: "Guard: an entry the table's checks would refuse (an empty or overlong",
    tests: [T.translationsGarbage, T.schedulerFirstRun],
  },

  // ------------------------------------------------------------- broadcasts
  {
    id: "broadcast-begin-for-update",
    guard: "one decision per broadcast at a time (concurrent clicks queue)",
    file: BROADCASTS,
    find:
      "  -- behind this one; each then sees the state this one leaves.\n  select * into v_row from app_private.broadcasts where id = p_id for update;",
    replace:
      "  -- behind this one; each then sees the state this one leaves.\n  select * into v_row from app_private.broadcasts where id = p_id;",
    banner: "Guard: one decision per row at a time. FOR UPDATE queues concurrent clicks",
    tests: [T.bcTwentyBegins, T.bcTwentyClicks],
  },
  {
    id: "broadcast-uncertain-same-op",
    guard: "an uncertain broadcast is finished only by repeating the same operation",
    file: BROADCASTS,
    find:
      "    if v_row.pending_action = p_action\n       and (p_action not in ('schedule', 'reschedule') or v_row.pending_publish_at = v_target) then",
    replace: "    if true then",
    banner: "Guard: an uncertain row is finished only by the SAME operation",
    tests: [T.bcUncertainSameOp],
  },
  {
    id: "broadcast-state-machine",
    guard: "an action is refused unless the row rests in a state that allows it",
    file: BROADCASTS,
    find: "  if not (v_row.send_status = any (v_allowed)) then",
    replace: "  if false then",
    banner: "Guard: the state machine. A row in flight (scheduling, sending, ...) or in",
    tests: [T.bcTwentyBegins, T.bcTwentyClicks],
  },
  {
    id: "broadcast-schedule-only-from-draft",
    guard: "schedule only from draft",
    file: BROADCASTS,
    find: "    when 'schedule' then array['draft']\n",
    replace: "    when 'schedule' then array['draft', 'scheduled']\n",
    banner: "Guard: the state machine. A row in flight (scheduling, sending, ...) or in",
    tests: [T.bcFromDraft, T.bcTwentyBegins],
  },
  {
    id: "broadcast-owned-cas",
    guard: "a caller superseded by the resolver cannot settle the row",
    file: BROADCASTS,
    find: "   where id = p_id and version = p_version and operation_key = p_key\n",
    replace: "   where id = p_id and operation_key = p_key\n",
    banner: "Guard: compare-and-set. A resolver that took the row over bumped version;",
    tests: [T.bcSuperseded],
  },
  {
    id: "broadcast-claim-grace",
    guard: "the resolver leaves rows younger than the grace period alone",
    file: BROADCASTS,
    find: "       and updated_at <= now() - make_interval(secs => p_grace_seconds)\n",
    replace: "\n",
    banner: "Guard: the grace period. A row younger than it may still be in the hands",
    tests: [T.bcSuperseded, T.bcBounded],
  },

  {
    id: "broadcast-create-fields",
    guard: "a broadcast is created only with subject, content and audience",
    file: BROADCASTS,
    find:
      "  if coalesce(length(p_subject), 0) = 0 or coalesce(length(p_content_html), 0) = 0\n     or coalesce(length(p_audience_id), 0) = 0 then",
    replace: "  if false then",
    banner: "Guard: the fields the provider needs to create a broadcast.",
    tests: [T.bcRefusedInput, T.bcSecurity],
    expect: "equivalent",
    why:
      "equivalent: the table's not-null and length checks refuse the same input with the same typed error (23514 -> invalid input), and the insert rolls back",
  },
  {
    id: "broadcast-get-404",
    guard: "an unknown broadcast id is a 404, not an empty answer",
    file: BROADCASTS,
    find: "  -- Guard: an unknown id is a 404, not an empty answer.\n  if v_row.id is null then",
    replace: "  -- Guard: an unknown id is a 404, not an empty answer.\n  if false then",
    banner: "Guard: an unknown id is a 404, not an empty answer.",
    tests: [T.bcRefusedInput, T.bcSecurity],
  },
  {
    id: "broadcast-known-action",
    guard: "broadcast_begin refuses an unknown action before touching the row",
    file: BROADCASTS,
    find: "  if p_action is null or p_action not in ('schedule', 'send', 'reschedule', 'cancel') then",
    replace: "  if false then",
    banner: "Guard: a known action, with a future time exactly when it needs one.",
    tests: [T.bcRefusedInput, T.bcSecurity, T.bcTwentyBegins],
    expect: "equivalent",
    why:
      "equivalent: pending_action's check constraint refuses an unknown action with the same typed error, and the transaction rolls back before anything is kept",
  },
  {
    id: "broadcast-unresolved-waits",
    guard: "an unresolved broadcast waits for an operator",
    file: BROADCASTS,
    find: "  if v_row.send_status = 'unresolved' then",
    replace: "  if false then",
    banner: "Guard: an unresolved row waits for an operator (broadcast_requeue).",
    tests: [T.bcUnresolvedWaits],
  },
  {
    id: "broadcast-provider-id-required",
    guard: "a provider id recorded for a broadcast is a non-empty string",
    file: BROADCASTS,
    find: "  if coalesce(length(p_provider_broadcast_id), 0) = 0 then",
    replace: "  if false then",
    banner: "Guard: a provider id is a non-empty string.",
    tests: [T.bcProviderIdRequired],
  },
  {
    id: "broadcast-one-provider-broadcast",
    guard: "a second provider broadcast for one row is refused, never forgotten",
    file: BROADCASTS,
    find:
      "  if v_row.provider_broadcast_id is not null and v_row.provider_broadcast_id <> p_provider_broadcast_id then",
    replace: "  if false then",
    banner: "Guard: one provider broadcast per row. A second id means a second",
    tests: [T.bcOneProviderBroadcast],
  },
  {
    id: "broadcast-rollback-resting",
    guard: "a rejection leaves the broadcast in a resting state the provider can have",
    file: BROADCASTS,
    find: "  if p_to_status is not null and p_to_status not in ('draft', 'scheduled', 'failed') then",
    replace: "  if false then",
    banner: "Guard: a rejection leaves the row resting, in a state the provider can have.",
    tests: [T.bcRollbackResting, T.bcSuperseded],
  },
  {
    id: "broadcast-settle-known-state",
    guard: "only a provider state the function can mirror is settled",
    file: BROADCASTS,
    find:
      "     or p_provider_status not in ('absent', 'draft', 'scheduled', 'queued', 'sent', 'canceled', 'failed') then",
    replace: "     or false then",
    banner: "Guard: a provider state this function knows how to mirror.",
    tests: [T.bcSettleKnownState],
  },
  {
    id: "broadcast-settle-scheduled-has-time",
    guard: "a broadcast settled as scheduled carries its time",
    file: BROADCASTS,
    find: "  if p_provider_status = 'scheduled' and p_scheduled_at is null then",
    replace: "  if false then",
    banner: "Guard: a scheduled broadcast has a time, and anything but absent has an id.",
    tests: [T.bcSettleScheduledTime],
  },
  {
    id: "broadcast-requeue-unresolved-only",
    guard: "only an unresolved broadcast is handed back to the resolver",
    file: BROADCASTS,
    find: "  if v_row.id is null or v_row.send_status <> 'unresolved' then",
    replace: "  if v_row.id is null then",
    banner: "Guard: only an unresolved row is handed back; anything else has an owner.",
    tests: [T.bcRequeueUnresolvedOnly],
  },
  {
    id: "broadcast-claim-sane-input",
    guard: "the resolver's claim refuses a negative grace or an unbounded batch",
    file: BROADCASTS,
    find:
      "  if p_grace_seconds is null or p_grace_seconds < 0 or p_limit is null or p_limit not between 1 and 1000 then",
    replace: "  if false then",
    banner: "Guard: a sane grace period and batch.",
    tests: [T.bcClaimSaneInput, T.bcSuperseded],
  },

  // ---------------------------------------------------------- user deletion
  {
    id: "deletion-write-tombstone",
    guard: "nothing is written for a user whose deletion was requested",
    file: DELETIONS,
    find: "  if v_status is not null and v_status <> 'aborted' then",
    replace: "  if false then",
    banner: "Guard: no write for a user whose deletion was requested.",
    tests: [T.delTokenAfterRequest, T.delTwo],
  },
  {
    id: "deletion-request-takes-write-lock",
    guard: "a deletion request is ordered with the user's writes",
    file: DELETIONS,
    find: "  perform app_private.user_write_lock(p_user_id);\n\n  -- Guard: one saga per user.",
    replace: "\n  -- Guard: one saga per user.",
    banner: "Guard: the request is ordered with the user's writes.",
    tests: [T.delRequestWaits, T.delPivotRace],
  },
  {
    id: "deletion-one-saga",
    guard: "concurrent requests converge on one saga",
    file: DELETIONS,
    find: "  on conflict (user_id) do nothing\n  returning * into v_row;",
    replace: "  returning * into v_row;",
    banner: "Guard: one saga per user. The primary key makes concurrent requests",
    tests: [T.delTwo],
  },
  {
    id: "deletion-claim-live",
    guard: "a live claim belongs to its run",
    file: DELETIONS,
    find: "     and (claimed_until is null or claimed_until <= now())\n  returning * into v_row;",
    replace: "  returning * into v_row;",
    banner: "Guard: a live claim belongs to its run, judged by the database clock; a",
    tests: [T.delTwo, T.delStaleBan],
  },
  {
    id: "deletion-lock-claimed",
    guard: "every step write needs the caller's live claim",
    file: DELETIONS,
    find: "   where user_id = p_user_id and claim_token = p_claim and claimed_until > now()\n     for update;",
    replace: "   where user_id = p_user_id\n     for update;",
    banner: "Guard shared by every write of a step: the caller's claim must still be the",
    tests: [T.delStaleBan, T.delTwo],
  },
  {
    id: "deletion-step-order",
    guard: "a saga step is recorded only after the one before it",
    file: DELETIONS,
    find: "  if v_row.status <> 'in_progress' or (v_previous is not null and not (v_row.steps ? v_previous)) then",
    replace: "  if v_row.status <> 'in_progress' then",
    banner: "Guard: the order. A step is recorded only after the one before it, so the",
    tests: [T.delOutOfOrder, T.delKilled],
  },
  {
    id: "deletion-pivot-takes-write-lock",
    guard: "the pivot never interleaves with a write on the user's behalf",
    file: DELETIONS,
    find:
      "  perform app_private.user_write_lock(p_user_id);\n  v_row := app_private.user_deletion_lock_claimed(p_user_id, p_claim);\n  if v_row.steps ? 'pivot' then",
    replace: "  v_row := app_private.user_deletion_lock_claimed(p_user_id, p_claim);\n  if v_row.steps ? 'pivot' then",
    banner: "Guard: the user's write lock before anything else, as every write on the",
    tests: [T.delPivotRace, T.delRequestWaits, T.delKilled],
    expect: "equivalent",
    why:
      "equivalent while the request takes the same lock: a write that began before the request finished before it, a later one sees the tombstone under the lock and writes nothing, so no write can overlap the pivot",
  },
  {
    id: "deletion-pivot-after-block",
    guard: "the pivot runs only after the user is blocked",
    file: DELETIONS,
    find: "  if v_row.status <> 'in_progress' or not (v_row.steps ? 'block') then",
    replace: "  if v_row.status <> 'in_progress' then",
    banner: "Guard: the user is blocked first, so they cannot create data behind the pivot.",
    tests: [T.delPivotNeedsBlock],
  },
  {
    id: "deletion-never-compensate-after-pivot",
    guard: "a saga past its pivot is never compensated (never unbanned)",
    file: DELETIONS,
    find: "  if v_row.steps ? 'pivot' or v_row.status not in ('in_progress', 'compensating') then",
    replace: "  if v_row.status not in ('in_progress', 'compensating') then",
    banner: "Guard: nothing after the pivot can be undone, so it is never compensated.",
    tests: [T.delPastPivot, T.delStaleBan],
  },
  {
    id: "deletion-finish-all-steps",
    guard: "done means every step is recorded",
    file: DELETIONS,
    find: "  if not (v_row.steps ?& array['block', 'pivot', 'contact', 'auth']) then",
    replace: "  if false then",
    banner: "Guard: done means every step is recorded.",
    tests: [T.delFinishAllSteps],
  },
  {
    id: "deletion-never-abort-after-pivot",
    guard: "a saga past its pivot is never aborted",
    file: DELETIONS,
    find: "  if p_outcome <> 'retry' and v_row.steps ? 'pivot' then",
    replace: "  if false then",
    banner: "Guard: nothing after the pivot can be undone, so it is never aborted.",
    tests: [T.delPastPivot, T.delFailureAfterBlock],
  },

  {
    id: "ledger-failed-row-retired-after-tolerance",
    guard: "a failed row whose earlier unknown schedule may still deliver is not retired at its send time",
    file: LEDGER,
    find: "          or (status = 'failed' and send_at <= now() - interval '20 minutes'));",
    replace: "          or (status = 'failed' and send_at <= now()));",
    banner: "Guard: a failed row is retired only once the guard's largest tolerance",
    tests: [T.failedRowRetiredLate],
  },
  {
    id: "ledger-refused-cancel-keeps-intent",
    guard: "a cancel Braze refused or that was never sent keeps the match undeliverable",
    file: LEDGER,
    find: "      v_row.status := 'cancelling';\n    else",
    replace: "      v_row.status := 'scheduled';\n    else",
    banner: "Guard: a cancel Braze refused (a 429) or that was never sent keeps",
    tests: [T.refusedCancel],
  },
  {
    id: "maintenance-bounded",
    guard: "maintenance_prune refuses unbounded batches and retention under an hour",
    file: "supabase/migrations/20261122006000_create_ops_status_view.sql",
    find: "  if p_limit is null or p_limit not between 1 and 10000 then",
    replace: "  if false then",
    banner: "Guard: bounded work per call and no retention shorter than an hour.",
    tests: [T.maintenanceGuards],
  },
  {
    id: "maintenance-lease",
    guard: "only the live maintenance lease holder prunes",
    file: "supabase/migrations/20261122006000_create_ops_status_view.sql",
    find:
      "  perform app_private.assert_job_lease(p_job => p_lease, p_token => p_token);\n  v_before := now() - p_older_than;",
    replace: "  v_before := now() - p_older_than;",
    banner: "Guard: only the live lease holder prunes; a stale run changes nothing.",
    tests: [T.maintenanceGuards],
  },

  {
    id: "maintenance-ledger-history-only",
    guard: "maintenance prunes only sent or cancelled ledger rows, never one that may own a schedule",
    file: "supabase/migrations/20261122006000_create_ops_status_view.sql",
    find: "        where o.status in ('cancelled', 'sent')\n          and o.send_at < v_before",
    replace: "        where o.send_at < v_before",
    banner: "Guard: only history is pruned; a row that owns or may own a Braze",
    tests: [T.ledgerHistory],
  },

  // ------------------------------------------------------------------- cron
  {
    id: "cron-pg-cron-available",
    guard: "without pg_cron the migration schedules nothing and says so",
    file: CRON,
    find: "    if not exists (select from pg_catalog.pg_available_extensions where name = 'pg_cron') then",
    replace: "    if false then",
    banner: "Guard: pg_cron must be installed on the server (Supabase has it; plain",
    tests: [T.cronNotAvailable, T.cronWithout],
  },
  {
    id: "cron-create-may-fail",
    guard: "pg_cron available but not preloadable does not fail the migration",
    file: CRON,
    find:
      "    begin\n      create extension if not exists pg_cron with schema pg_catalog;\n    exception when others then\n      raise notice 'schedule_supabase_cron: pg_cron is available but could not be created (%); no cron jobs created', sqlerrm;\n      return;\n    end;",
    replace: "    create extension if not exists pg_cron with schema pg_catalog;",
    banner: "Guard: pg_cron can only be created when it is in shared_preload_libraries",
    tests: [T.cronNotCreatable],
  },
  {
    id: "cron-pg-net-available",
    guard: "pg_net is created only where the server offers it",
    file: CRON,
    find: "\n     and exists (select from pg_catalog.pg_available_extensions where name = 'pg_net') then",
    replace: " then",
    banner: "Guard: pg_net makes the HTTP call. Supabase offers it as an extension in",
    tests: [T.cronNoPgNet],
  },
  {
    id: "cron-sync-needs-pg-cron",
    guard: "sync_cron_jobs without pg_cron answers skipped instead of failing",
    file: CRON,
    find:
      "  if not exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then\n    raise notice 'sync_cron_jobs:",
    replace: "  if false then\n    raise notice 'sync_cron_jobs:",
    banner: "Guard: without pg_cron there is no cron.job to sync (local embedded",
    tests: [T.cronWithout],
  },
  {
    id: "cron-sync-needs-http-post",
    guard: "sync_cron_jobs without net.http_post schedules nothing",
    file: CRON,
    find: "     where n.nspname = 'net' and p.proname = 'http_post'\n  ) then",
    replace: "     where n.nspname = 'net' and p.proname = 'http_post'\n  ) and false then",
    banner: "Guard: every job calls net.http_post(url text, body jsonb, params jsonb,",
    tests: [T.cronNoHttpPost, T.cronWithout],
  },

  // ------------------------------------------------------------- TypeScript
  {
    id: "ts-lease-heartbeat-abort",
    guard: "a failed lease renewal stops the run at its next assertLive()",
    file: "src/shared/jobs/lease.ts",
    find: "    } catch (e) {\n      lose((e as Error)?.message ?? String(e));\n    }",
    replace: "    } catch (e) {\n      void e;\n    }",
    tests: [T.leaseRenewalFails, T.leaseRenewalSilent, T.racesExpiredCreate],
  },
  {
    id: "ts-http-no-retry-after-send",
    guard: "a non-idempotent request that may have landed (timeout, reset) is never repeated",
    file: "src/shared/providers/http.ts",
    find: "      if (!spec.idempotent && !neverSent) {",
    replace: "      if (false) {",
    tests: [T.brazeTimeout, T.brazeRefused],
  },
  {
    id: "ts-http-no-retry-after-5xx",
    guard: "a non-idempotent request answered 5xx is reported unknown, never repeated",
    file: "src/shared/providers/http.ts",
    find: "    if (status >= 500) {\n      if (!spec.idempotent) {",
    replace: "    if (status >= 500) {\n      if (false) {",
    tests: [T.braze5xx],
  },
  {
    id: "ts-braze-create-not-idempotent",
    guard: "a Braze create is sent as non-idempotent (Braze has no idempotency key for it)",
    file: "src/shared/providers/braze/client.ts",
    find: "      }, { idempotent: false, onHeaders: observeCreate });",
    replace: "      }, { idempotent: true, onHeaders: observeCreate });",
    tests: [T.brazeTimeout, T.braze5xx],
  },
  {
    id: "ts-webhook-signature",
    guard: "an unsigned or wrongly signed webhook delivery never reaches the database",
    file: "src/shared/jobs/resend-webhook/verify.ts",
    find: "    throw new UnauthorizedError(`webhook signature rejected: ${reason}`);",
    replace: '    return { svixId: svixHeaders["svix-id"], payload: JSON.parse(rawBody) };',
    tests: [T.mailSignatureUnit, T.mailForgedE2e],
  },
  {
    id: "ts-secret-compare",
    guard: "a machine caller needs the exact cron secret or service-role key",
    file: "src/shared/http/auth.ts",
    find: "  return timingSafeEqual(digest(presented), digest(expected));",
    replace: "  return true;",
    tests: [T.opsAuth, T.schedulerAuth],
  },
  {
    id: "ts-secret-compare-length",
    guard: "a token that only shares a prefix with the secret is refused",
    file: "src/shared/http/auth.ts",
    find: "  return timingSafeEqual(digest(presented), digest(expected));",
    replace: "  return presented.length > 0 && (expected.startsWith(presented) || presented.startsWith(expected));",
    tests: [T.opsAuth, T.opsHostile, T.schedulerAuth, T.resumeSecurity],
  },
];
