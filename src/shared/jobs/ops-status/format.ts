// Small formatting helpers for the page. Relative times are measured against
// the snapshot's own database clock, never the server's, so the page is
// consistent with the rows it shows (and the core reads no clock).
import { html, type Safe } from "./html.ts";

export function relative(iso: string | null | undefined, now: Date): string {
  if (!iso) return "";
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const amount = abs < 120
    ? `${abs} s`
    : abs < 7200
    ? `${Math.round(abs / 60)} min`
    : abs < 172_800
    ? `${Math.round(abs / 3600)} h`
    : `${Math.round(abs / 86_400)} d`;
  return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** A timestamp with its relative age in the tooltip-free text, e.g. "2026-11-22 05:28:26Z (3 min ago)". */
export function when(iso: string | null | undefined, now: Date): Safe {
  if (!iso) return html`<span class="muted">—</span>`;
  const absolute = new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return html`<time datetime="${iso}">${absolute}</time> <span class="muted">(${relative(iso, now)})</span>`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

const isEmpty = (v: unknown) =>
  v === 0 || v === null || v === undefined || v === false || v === "" ||
  (typeof v === "object" && Object.keys(v as object).length === 0);

/** A run's counts object as "created 3 · uncertain 1": zeros and empty values left out, nested values as JSON. */
export function counts(value: Record<string, unknown> | null | undefined): string {
  if (!value || typeof value !== "object") return "";
  return Object.entries(value)
    .filter(([k, v]) => k !== "outcome" && k !== "run_id" && !isEmpty(v))
    .map(([k, v]) => `${k} ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}

export function table(headers: string[], rows: Safe[], empty: string): Safe {
  if (!rows.length) return html`<p class="empty">${empty}</p>`;
  return html`<table><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`;
}
