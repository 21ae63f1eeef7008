// One renderer per section of the page. Each takes the snapshot (and its clock)
// and returns escaped HTML; the section ids are what the browser test reads.
import { runsChart } from "./chart.ts";
import { counts, duration, table, when } from "./format.ts";
import { html, type Safe } from "./html.ts";
import type { OpsSnapshot, RunRow } from "../../data/operations.ts";

function section(id: string, title: string, body: Safe, note?: string): Safe {
  return html`<section id="${id}"><h2>${title}</h2>${note ? html`<p class="note">${note}</p>` : ""}${body}</section>`;
}

export function leasesSection(s: OpsSnapshot, now: Date): Safe {
  const rows = s.leases.map(
    (l) =>
      html`<tr class="${l.live ? "live" : "expired"}"><td>${l.job}</td><td>${l.holder}</td><td>${l.token}</td><td>${
        when(l.acquired_at, now)
      }</td><td>${when(l.expires_at, now)}</td><td>${l.live ? "held" : "expired (free to take)"}</td></tr>`,
  );
  return section(
    "leases",
    "Leases",
    table(["lease", "holder", "token", "acquired", "expires", "state"], rows, "No lease is held."),
  );
}

function runState(r: RunRow): { label: string; cls: string } {
  if (r.outcome) return { label: r.outcome, cls: `outcome-${r.outcome}` };
  return r.lease_live
    ? { label: "running", cls: "unfinished" }
    : { label: "unfinished (lease lapsed: crashed or stalled)", cls: "unfinished crashed" };
}

export function runsSection(s: OpsSnapshot, now: Date): Safe {
  const jobs = [...new Set(s.runs.map((r) => r.job))];
  const body = jobs.map((job) => {
    const rows = s.runs
      .filter((r) => r.job === job)
      .map((r) => {
        const state = runState(r);
        return html`<tr class="${state.cls}"><td>${when(r.started_at, now)}</td><td>${state.label}</td><td>${
          counts(r.counts)
        }</td><td>${duration(r.duration_ms)}${
          r.finished_at ? "" : " so far"
        }</td><td>${r.holder}</td><td class="error">${r.error ?? ""}</td></tr>`;
      });
    return html`<h3>${job}</h3>${table(["started", "outcome", "counts", "duration", "holder", "error"], rows, "")}`;
  });
  return section(
    "runs",
    "Last runs per job",
    jobs.length ? html`${body}` : html`<p class="empty">No run recorded yet.</p>`,
    "The ten latest runs of each job; unfinished runs are highlighted.",
  );
}

export function chartSection(s: OpsSnapshot, now: Date): Safe {
  return section("chart", "Runs per hour (last 24 h, UTC)", runsChart(s.runs_per_hour, now));
}

export function ledgerSection(s: OpsSnapshot, now: Date): Safe {
  const statusRows = s.ledger.by_status.map((r) =>
    html`<tr class="status-${r.status}"><td>${r.campaign_id}</td><td>${r.status}</td><td>${r.rows}</td></tr>`
  );
  const attention = s.ledger.attention.map(
    (r) =>
      html`<tr class="${r.reason}"><td>${r.reason}</td><td>${r.campaign_id}</td><td>${r.match_id}</td><td>${r.status}${
        r.uncertain_op ? ` (${r.uncertain_op})` : ""
      }</td><td>${r.braze_schedule_id ?? ""}</td><td>${r.attempt_id}</td><td>${when(r.send_at, now)}</td><td>${
        when(r.updated_at, now)
      }</td><td class="error">${r.last_error ?? ""}</td></tr>`,
  );
  return section(
    "ledger",
    "Schedule ledger",
    html`${table(["campaign", "status", "rows"], statusRows, "The ledger is empty.")}<h3>Needs attention</h3>${
      table(
        ["why", "campaign", "match", "status", "braze schedule", "attempt", "send at", "last change", "last error"],
        attention,
        "No uncertain or stuck row.",
      )
    }`,
    `Listed: every uncertain row, and every row in creating, updating or cancelling for more than ${
      Math.round(s.stuck_after_seconds / 60)
    } minutes. Reconcile resolves them.`,
  );
}

export function webhooksSection(s: OpsSnapshot, now: Date): Safe {
  const w = s.webhooks;
  const byType = w.by_event_type.map((e) =>
    html`<tr><td>${e.event_type}</td><td>${e.deliveries}</td><td>${when(e.last_received_at, now)}</td></tr>`
  );
  const byStatus = w.emails_by_status.map((e) => html`<tr><td>${e.status}</td><td>${e.emails}</td></tr>`);
  return section(
    "webhooks",
    "Resend webhooks",
    html`<dl class="counters">
<div><dt>deliveries</dt><dd data-counter="deliveries">${w.deliveries}</dd></div>
<div><dt>last 24 h</dt><dd data-counter="deliveries_24h">${w.deliveries_24h}</dd></div>
<div><dt>opens</dt><dd data-counter="opens">${w.opens}</dd></div>
<div><dt>clicks</dt><dd data-counter="clicks">${w.clicks}</dd></div>
<div><dt>stored, not applied</dt><dd data-counter="not_applied">${w.not_applied}</dd></div>
<div><dt>rejected</dt><dd data-counter="rejected">${w.rejected ?? "not recorded"}</dd></div>
</dl>
<p class="note">Last delivery: ${
      when(w.last_received_at, now)
    }. Rejected deliveries (bad signature, stale timestamp, malformed body) are answered 4xx and only logged by the function; the database keeps no row of them.</p>
${table(["event type", "deliveries", "last received"], byType, "No delivery received yet.")}
${table(["email status", "emails"], byStatus, "")}`,
  );
}

export function broadcastsSection(s: OpsSnapshot, now: Date): Safe {
  const byStatus = s.broadcasts.by_status.map((b) => html`<tr><td>${b.status}</td><td>${b.broadcasts}</td></tr>`);
  const waiting = s.broadcasts.in_flight.map(
    (b) =>
      html`<tr class="${b.due ? "due" : "in-flight"}"><td>${b.subject}</td><td>${b.send_status}</td><td>${
        b.pending_action ?? ""
      }</td><td>${b.previous_status ?? ""}</td><td>${b.attempts}</td><td>${when(b.updated_at, now)}</td><td>${
        b.due ? "due for the resolver" : "in flight"
      }</td><td class="error">${b.last_error ?? ""}</td></tr>`,
  );
  return section(
    "broadcasts",
    "Broadcasts",
    html`${table(["status", "broadcasts"], byStatus, "No broadcast yet.")}<h3>Waiting on the resolver</h3>${
      table(
        ["subject", "status", "action", "from", "attempts", "last change", "state", "last error"],
        waiting,
        "No broadcast in flight.",
      )
    }`,
  );
}

export function deletionsSection(s: OpsSnapshot, now: Date): Safe {
  const byStatus = s.deletions.by_status.map((d) => html`<tr><td>${d.status}</td><td>${d.sagas}</td></tr>`);
  const pending = s.deletions.pending.map(
    (d) =>
      html`<tr class="${d.status}"><td>${d.user_id}</td><td>${d.status}</td><td>${
        Object.keys(d.steps ?? {}).filter((k) => k !== "pivot_counts").join(" → ") || "none"
      }</td><td>${d.attempts}</td><td>${when(d.next_attempt_at, now)}</td><td>${
        d.claimed_until ? html`claimed until ${when(d.claimed_until, now)}` : ""
      }</td><td class="error">${d.last_error ?? ""}</td></tr>`,
  );
  return section(
    "deletions",
    "User deletion sagas",
    html`${table(["status", "sagas"], byStatus, "No deletion requested yet.")}<h3>Waiting on the resolver</h3>${
      table(
        ["user", "status", "steps done", "attempts", "next attempt", "claim", "last error"],
        pending,
        "No saga in progress.",
      )
    }`,
  );
}

export function cronSection(s: OpsSnapshot): Safe {
  const rows = s.cron.map((c) =>
    html`<tr><td>${c.name}</td><td><code>${c.schedule}</code></td><td>${c.function_name}</td></tr>`
  );
  return section("cron", "Cron schedules", table(["name", "schedule", "function"], rows, "No cron schedule declared."));
}
