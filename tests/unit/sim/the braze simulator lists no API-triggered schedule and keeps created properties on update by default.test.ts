import { afterAll, beforeAll, expect, it } from "vitest";
import { type BrazeSimulator, startBrazeSimulator } from "../../../dev/sim/braze.ts";

let sim: BrazeSimulator;
beforeAll(async () => {
  sim = await startBrazeSimulator({ port: 0, clock: { start: "2030-01-01T00:00:00Z", frozen: true } });
});
afterAll(() => sim.close());

const post = (path: string, body: unknown) =>
  fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: { authorization: "Bearer local-braze-key", "content-type": "application/json" },
    body: JSON.stringify(body),
  });

it("shows an API-created schedule nowhere in the listing, and an update moves its time but not its trigger_properties", async () => {
  const created = await (await post("/campaigns/trigger/schedule/create", {
    campaign_id: "c",
    broadcast: true,
    schedule: { time: "2030-01-02T12:00:00Z" },
    trigger_properties: { home_team: "A" },
  })).json() as { schedule_id: string };

  const listing = await (await fetch(`${sim.url}/messages/scheduled_broadcasts?end_time=2030-02-01T00:00:00Z`, {
    headers: { authorization: "Bearer local-braze-key" },
  })).json() as { scheduled_broadcasts: unknown[] };
  expect(listing.scheduled_broadcasts).toEqual([]);

  const updated = await post("/campaigns/trigger/schedule/update", {
    campaign_id: "c",
    schedule_id: created.schedule_id,
    schedule: { time: "2030-01-02T13:00:00Z" },
    trigger_properties: { home_team: "B" },
  });
  expect(updated.status).toBe(200);
  expect(sim.state().schedules[0]).toMatchObject({
    send_at: "2030-01-02T13:00:00.000Z",
    trigger_properties: { home_team: "A" },
  });
});
