// The operations snapshot as plain text, for a shell or a CI log: the page's
// sections (page.ts SECTION_TITLES), in the same order, with the same rows.
// Values are printed as they are, minus control characters, so a hostile
// string from the database cannot move the cursor or clear the screen.
import { hourlySlots } from "./chart.ts";
import { counts, duration, relative } from "./format.ts";
import { SECTION_TITLES } from "./page.ts";
import type { OpsSnapshot } from "../../data/operations.ts";

// deno-lint-ignore no-control-regex
const clean = (v: unknown): string => String(v ?? "").replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");

function at(iso: string | null | undefined, now: Date): string {
  if (!iso) return "—";
  return `${new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z")} (${relative(iso, now)})`;
}

/** Columns padded to their widest cell; `empty` when there is no row. */
function table(headers: string[], rows: unknown[][], empty: string): string[] {
  if (!rows.length) return [`  ${empty}`];
  const cells = [headers, ...rows.map((r) => r.map(clean))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? "").length)));
  return cells.map((r) => "  " + r.map((c, i) => String(c ?? "").padEnd(widths[i]!)).join("  ").trimEnd());
}

function section(index: number, lines: string[]): string {
  const title = SECTION_TITLES[index]!;
  return [title, "=".repeat(title.length), ...lines].join("\n");
}

export function renderText(s: OpsSnapshot): string {
  const now = new Date(s.generated_at);
  const jobs = [...new Set(s.runs.map((r) => r.job))];
  const runs = jobs.flatMap((job) => [
    `  ${clean(job)}`,
    ...table(
      ["started", "outcome", "counts", "duration", "holder", "error"],
      s.runs.filter((r) => r.job === job).map((r) => [
        at(r.started_at, now),
        r.outcome ?? (r.lease_live ? "running" : "unfinished (lease lapsed: crashed or stalled)"),
        counts(r.counts),
        `${duration(r.duration_ms)}${r.finished_at ? "" : " so far"}`,
        r.holder,
        r.error ?? "",
      ]),
      "",
    ).map((l) => "  " + l),
  ]);
  const slots = hourlySlots(s.runs_per_hour, now).filter((slot) => slot.total > 0);
  const w = s.webhooks;
  const out = [
    `Operations status at ${clean(s.generated_at)} (database time)`,
    section(
      0,
      table(
        ["lease", "holder", "token", "acquired", "expires", "state"],
        s.leases.map((
          l,
        ) => [
          l.job,
          l.holder,
          l.token,
          at(l.acquired_at, now),
          at(l.expires_at, now),
          l.live ? "held" : "expired (free to take)",
        ]),
        "No lease is held.",
      ),
    ),
    section(1, jobs.length ? runs : ["  No run recorded yet."]),
    section(
      2,
      table(
        ["hour", "runs", "by outcome"],
        slots.map((slot) => [
          new Date(slot.start).toISOString().slice(11, 16),
          slot.total,
          [...slot.byOutcome].map(([o, n]) => `${o} ${n}`).join(" · "),
        ]),
        "No run in the last 24 hours.",
      ),
    ),
    section(3, [
      ...table(
        ["campaign", "status", "rows"],
        s.ledger.by_status.map((r) => [r.campaign_id, r.status, r.rows]),
        "The ledger is empty.",
      ),
      "  Needs attention:",
      ...table(
        ["why", "campaign", "match", "status", "braze schedule", "attempt", "send at", "last change", "last error"],
        s.ledger.attention.map((r) => [
          r.reason,
          r.campaign_id,
          r.match_id,
          `${r.status}${r.uncertain_op ? ` (${r.uncertain_op})` : ""}`,
          r.braze_schedule_id ?? "",
          r.attempt_id,
          at(r.send_at, now),
          at(r.updated_at, now),
          r.last_error ?? "",
        ]),
        "No uncertain or stuck row.",
      ),
    ]),
    section(4, [
      `  deliveries ${w.deliveries} · last 24 h ${w.deliveries_24h} · opens ${w.opens} · clicks ${w.clicks} · stored, not applied ${w.not_applied} · rejected ${
        w.rejected ?? "not recorded"
      }`,
      `  last delivery: ${at(w.last_received_at, now)}`,
      ...table(
        ["event type", "deliveries", "last received"],
        w.by_event_type.map((e) => [e.event_type, e.deliveries, at(e.last_received_at, now)]),
        "No delivery received yet.",
      ),
      ...(w.emails_by_status.length
        ? table(["email status", "emails"], w.emails_by_status.map((e) => [e.status, e.emails]), "")
        : []),
    ]),
    section(5, [
      ...table(
        ["status", "broadcasts"],
        s.broadcasts.by_status.map((b) => [b.status, b.broadcasts]),
        "No broadcast yet.",
      ),
      "  Waiting on the resolver:",
      ...table(
        ["subject", "status", "action", "from", "attempts", "last change", "state", "last error"],
        s.broadcasts.in_flight.map((b) => [
          b.subject,
          b.send_status,
          b.pending_action ?? "",
          b.previous_status ?? "",
          b.attempts,
          at(b.updated_at, now),
          b.due ? "due for the resolver" : "in flight",
          b.last_error ?? "",
        ]),
        "No broadcast in flight.",
      ),
    ]),
    section(6, [
      ...table(
        ["status", "sagas"],
        s.deletions.by_status.map((d) => [d.status, d.sagas]),
        "No deletion requested yet.",
      ),
      "  Waiting on the resolver:",
      ...table(
        ["user", "status", "steps done", "attempts", "next attempt", "claim", "last error"],
        s.deletions.pending.map((d) => [
          d.user_id,
          d.status,
          Object.keys(d.steps ?? {}).filter((k) => k !== "pivot_counts").join(" → ") || "none",
          d.attempts,
          at(d.next_attempt_at, now),
          d.claimed_until ? `claimed until ${at(d.claimed_until, now)}` : "",
          d.last_error ?? "",
        ]),
        "No saga in progress.",
      ),
    ]),
    section(
      7,
      table(
        ["name", "schedule", "function"],
        s.cron.map((c) => [c.name, c.schedule, c.function_name]),
        "No cron schedule declared.",
      ),
    ),
  ];
  return out.join("\n\n") + "\n";
}
