// With a send guard, a fired schedule renders supabase/braze/match-push.liquid
// for each recipient, and reaches users only if the template did not abort:
// two schedules of one match (an uncertain create and its re-create) fire,
// the guard lets one key send, and the match is delivered once, with the
// names in each recipient's language.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrazeSimulator, simClient, startBrazeSimulator } from "../../../dev/sim/braze.ts";
import { createBrazeClient } from "../../../src/shared/providers/braze/client.ts";
import { sendAnswer, type StandInGuard, startStandInGuard } from "./stand-in-guard.ts";

describe("the Braze simulator with a send guard", () => {
  let guard: StandInGuard;
  let sim: BrazeSimulator;
  beforeAll(async () => {
    guard = await startStandInGuard((key) => sendAnswer(key === "key-claimed"));
    sim = await startBrazeSimulator({
      port: 0,
      clock: { start: "2030-01-01T12:00:00Z", frozen: true },
      sendGuard: { url: guard.url, secret: guard.secret },
    });
  });
  afterAll(async () => {
    await sim.close();
    await guard.close();
  });

  it("counts a delivery only for the schedule whose key the guard lets send", async () => {
    const braze = createBrazeClient({ baseUrl: sim.url, apiKey: "local-braze-key" });
    const message = (guardKey: string) => ({
      match_id: 7,
      home_team: "FC Bayern München",
      away_team: "1. FC Köln",
      guard_key: guardKey,
      teams: {
        en: { home_team: "Bayern Munich", away_team: "Cologne" },
        de: { home_team: "FC Bayern München", away_team: "1. FC Köln" },
      },
    });
    const sendAt = new Date("2030-01-01T13:00:00Z");
    for (const key of ["key-lost", "key-claimed"]) {
      await braze.createSchedule({ campaignId: "c", sendAt, attemptId: key, triggerProperties: message(key) });
    }

    const control = simClient(sim.url);
    await control.clock({ advanceTo: "2030-01-01T13:00:30Z" });
    const state = await control.state();

    expect(state.fired).toHaveLength(2);
    expect(state.delivered_per_match).toEqual({ "7": 1 });
    const byKey = new Map(state.deliveries.map((d) => [d.guard_key, d]));
    expect(byKey.get("key-lost")!.outcome).toBe("aborted");
    expect(byKey.get("key-lost")!.recipients.map((r) => r.outcome)).toEqual(["aborted", "aborted"]);
    expect(byKey.get("key-claimed")!.outcome).toBe("delivered");
    expect(byKey.get("key-claimed")!.recipients.map((r) => r.text)).toEqual([
      "Bayern Munich v Cologne: kick-off in one hour.",
      "FC Bayern München v 1. FC Köln: kick-off in one hour.",
    ]);
    // Every ask carried the guard secret.
    expect(guard.asks.length).toBeGreaterThan(0);
    expect(guard.asks.every((a) => a.authorized)).toBe(true);
  });
});
