import { describe, expect, it } from "vitest";
import { createBrazeClient } from "../../../src/shared/providers/braze/client.ts";

describe("a refused connection", () => {
  it("proves the create never reached Braze, so it is safe to try again", async () => {
    const bodies: unknown[] = [];
    const fetch = async (_url: string, init?: RequestInit) => {
      bodies.push(JSON.parse(String(init?.body)));
      if (bodies.length === 1) {
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
        });
      }
      return new Response(JSON.stringify({ schedule_id: "s-1", dispatch_id: "d-1", message: "success" }), {
        status: 201,
      });
    };
    const braze = createBrazeClient({ baseUrl: "http://braze.invalid", apiKey: "k", fetch, sleep: async () => {} });

    const created = await braze.createSchedule({
      campaignId: "c",
      sendAt: new Date("2030-01-02T15:00:00Z"),
      attemptId: "a-1",
      triggerProperties: { x: 1 },
    });

    expect(created).toEqual({ scheduleId: "s-1", dispatchId: "d-1" });
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual({
      campaign_id: "c",
      broadcast: true,
      trigger_properties: { x: 1, attempt_id: "a-1" },
      schedule: { time: "2030-01-02T15:00:00.000Z" },
    });
  });

  it("but a reset after connecting is unknown and not retried", async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      });
    };
    const braze = createBrazeClient({ baseUrl: "http://braze.invalid", apiKey: "k", fetch, sleep: async () => {} });

    await expect(
      braze.createSchedule({
        campaignId: "c",
        sendAt: new Date("2030-01-02T15:00:00Z"),
        attemptId: "a-1",
        triggerProperties: {},
      }),
    ).rejects.toMatchObject({ outcome: "unknown" });
    expect(calls).toBe(1);
  });
});
