// What Braze holds for a campaign after a run, read from a workspace's
// simulator: a benchmark row that was fast because it did nothing, or did the
// wrong thing, fails here.
import { simClient } from "../../dev/sim/braze.ts";
import type { V4Match } from "../../dev/sim/fixtures.ts";

/**
 * Checks that every match has exactly one live schedule, sending `leadMinutes`
 * before its kickoff (truncated to the minute), and that nothing else is live.
 */
export async function checkBrazeSchedules(
  brazeUrl: string,
  campaignId: string,
  matches: V4Match[],
  leadMinutes: number,
): Promise<{ ok: boolean; detail: string }> {
  const live = (await simClient(brazeUrl).state()).schedules
    .filter((s) => s.campaign_id === campaignId && s.status === "scheduled");
  const byMatch = new Map<number, string[]>();
  for (const s of live) {
    const id = Number(s.trigger_properties["match_id"]);
    byMatch.set(id, [...(byMatch.get(id) ?? []), s.send_at]);
  }
  let wrongTime = 0;
  let missing = 0;
  let duplicated = 0;
  for (const m of matches) {
    const sends = byMatch.get(m.id) ?? [];
    if (sends.length === 0) missing++;
    if (sends.length > 1) duplicated++;
    const expected = Math.floor(Date.parse(m.utcDate) / 60_000) * 60_000 - leadMinutes * 60_000;
    if (sends.length === 1 && Date.parse(sends[0]!) !== expected) wrongTime++;
  }
  const stray = [...byMatch.keys()].filter((id) => !matches.some((m) => m.id === id)).length;
  const ok = live.length === matches.length && missing + duplicated + wrongTime + stray === 0;
  return {
    ok,
    detail:
      `${live.length} live for ${matches.length} matches; missing ${missing}, duplicated ${duplicated}, wrong time ${wrongTime}, stray ${stray}`,
  };
}
