import { expect, it } from "vitest";
import { renderPage } from "../../../src/shared/jobs/ops-status/page.ts";
import { NOW, snapshot } from "./fixtures.ts";

const EVIL = `"><script>alert(1)</script><img src=x onerror=alert(2)>&amp;'`;
const ESCAPED = `&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;&#39;`;

it("escapes holders, errors, subjects, event types, counts and campaign ids wherever they appear", () => {
  const page = renderPage(
    snapshot({
      leases: [{ job: EVIL, holder: EVIL, token: 1, acquired_at: NOW, expires_at: NOW, live: true }],
      runs: [{
        job: EVIL,
        holder: EVIL,
        started_at: NOW,
        finished_at: NOW,
        outcome: "failed",
        counts: { [EVIL]: EVIL },
        error: EVIL,
        duration_ms: 5,
        lease_live: false,
      }],
      runs_per_hour: [{ hour: "2026-11-22T12:00:00+00:00", outcome: EVIL, runs: 1 }],
      ledger: {
        by_status: [{ campaign_id: EVIL, status: "uncertain", rows: 1 }],
        attention: [{
          id: 1,
          campaign_id: EVIL,
          match_id: 7,
          status: "uncertain",
          uncertain_op: "create",
          version: 2,
          attempt_id: EVIL,
          braze_schedule_id: EVIL,
          send_at: NOW,
          updated_at: NOW,
          last_error: EVIL,
          reason: "uncertain",
        }],
      },
      webhooks: {
        deliveries: 1,
        deliveries_24h: 1,
        last_received_at: NOW,
        by_event_type: [{ event_type: EVIL, deliveries: 1, last_received_at: NOW }],
        not_applied: 1,
        emails_by_status: [],
        opens: 0,
        clicks: 0,
        rejected: null,
      },
      broadcasts: {
        by_status: [],
        in_flight: [{
          id: "b",
          subject: EVIL,
          send_status: "uncertain",
          pending_action: "send",
          previous_status: "draft",
          pending_publish_at: null,
          attempts: 1,
          last_error: EVIL,
          updated_at: NOW,
          due: true,
        }],
      },
      deletions: {
        by_status: [],
        pending: [{
          user_id: "u",
          status: "in_progress",
          steps: { [EVIL]: NOW },
          attempts: 1,
          next_attempt_at: NOW,
          last_error: EVIL,
          claimed_until: null,
          requested_by: EVIL,
          requested_at: NOW,
          updated_at: NOW,
        }],
      },
      cron: [{ name: EVIL, schedule: EVIL, function_name: EVIL }],
    }),
  );
  expect(page).not.toContain("<script");
  expect(page).not.toContain("<img");
  // Every place the value went, it went escaped: 1 lease x2, run job/holder/counts key+value/error,
  // chart outcome (title and legend), ledger, webhook type, broadcast, saga, cron.
  expect(page.split(ESCAPED).length - 1).toBeGreaterThanOrEqual(18);
});

it("renders an empty database as a page of empty sections, not an error", () => {
  const page = renderPage(snapshot());
  for (const id of ["leases", "runs", "chart", "ledger", "webhooks", "broadcasts", "deletions", "cron"]) {
    expect(page).toContain(`<section id="${id}">`);
  }
  expect(page).toContain("No lease is held.");
  expect(page).toContain("No uncertain or stuck row.");
  expect(page).toContain("not recorded");
});
