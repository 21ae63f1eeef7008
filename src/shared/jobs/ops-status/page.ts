// The whole operations page: server-rendered, no script, no external asset
// (inline CSS and SVG), so it renders the same offline and under a strict CSP.
import { html, Safe } from "./html.ts";
import {
  broadcastsSection,
  chartSection,
  cronSection,
  deletionsSection,
  leasesSection,
  ledgerSection,
  runsSection,
  webhooksSection,
} from "./sections.ts";
import type { OpsSnapshot } from "../../data/operations.ts";

// A constant of this file, trusted as markup.
const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 24px 40px;color:#222;background:#fafafa}
header{display:flex;justify-content:space-between;align-items:baseline;border-bottom:1px solid #ddd}
h1{font-size:20px}h2{font-size:16px;margin:0 0 8px}h3{font-size:14px;margin:12px 0 4px}
section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px 16px;margin:16px 0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{font-weight:600;color:#555;background:#f5f5f5}
.muted,.note,.empty{color:#777}.note{font-size:12px;margin:0 0 8px}
tr.unfinished td{background:#fff8e1}tr.crashed td{background:#ffebee}
tr.uncertain td{background:#fff3e0}tr.stuck td,tr.due td{background:#ffebee}tr.expired td{color:#999}
tr.outcome-failed td:nth-child(2),tr.outcome-lease_lost td:nth-child(2){color:#c62828;font-weight:600}
td.error{color:#b71c1c;font-family:ui-monospace,monospace;font-size:12px;max-width:420px;overflow-wrap:anywhere}
dl.counters{display:flex;gap:24px;margin:0 0 8px}dl.counters div{min-width:90px}dt{color:#777;font-size:12px}dd{margin:0;font-size:20px;font-weight:600}
svg text{font-size:11px;fill:#555}.legend span{margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
`;

/** Headers of the served page (dev/ops.ts): no script at all, inline styles only, no framing, no referrer. */
export const PAGE_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/** The section titles, in page order; the terminal summary (text.ts) prints the same. */
export const SECTION_TITLES = [
  "Leases",
  "Last runs per job",
  "Runs per hour (last 24 h, UTC)",
  "Schedule ledger",
  "Resend webhooks",
  "Broadcasts",
  "User deletion sagas",
  "Cron schedules",
] as const;

export function renderPage(s: OpsSnapshot): string {
  const now = new Date(s.generated_at);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer">
<title>Operations status</title><style>${new Safe(CSS)}</style></head>
<body><header><h1>Operations status</h1><p class="muted">Database time <time id="generated-at" datetime="${s.generated_at}">${s.generated_at}</time> · read-only · reload to refresh</p></header>
${leasesSection(s, now)}
${runsSection(s, now)}
${chartSection(s, now)}
${ledgerSection(s, now)}
${webhooksSection(s, now)}
${broadcastsSection(s, now)}
${deletionsSection(s, now)}
${cronSection(s)}
</body></html>`.value;
}
