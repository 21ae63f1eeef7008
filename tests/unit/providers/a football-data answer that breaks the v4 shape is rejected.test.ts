import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../../src/shared/errors.ts";
import { createFootballDataClient } from "../../../src/shared/providers/football-data/client.ts";

const answering = (body: unknown) => async () =>
  new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });

describe("validation of /v4/matches", () => {
  it("refuses a match whose kickoff is not a timestamp, instead of scheduling for Invalid Date", async () => {
    const client = createFootballDataClient({
      baseUrl: "http://feed.invalid",
      apiToken: "t",
      fetch: answering({
        matches: [{
          id: 1,
          utcDate: "next Saturday",
          status: "TIMED",
          competition: { id: 2021 },
          homeTeam: { id: 1, name: "A" },
          awayTeam: { id: 2, name: "B" },
        }],
      }),
    });
    const error = await client.listMatches({ competitions: ["PL"], dateFrom: "2030-01-01", dateTo: "2030-01-02" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toMatch(/utcDate/);
  });

  it("accepts undecided knockout teams as nulls", async () => {
    const client = createFootballDataClient({
      baseUrl: "http://feed.invalid",
      apiToken: "t",
      fetch: answering({
        matches: [{
          id: 9,
          utcDate: "2030-05-30T19:00:00Z",
          status: "SCHEDULED",
          competition: { id: 2001, code: "CL" },
          homeTeam: { id: null, name: null },
          awayTeam: { id: null, name: null },
        }],
      }),
    });
    const matches = await client.listMatches({ competitions: ["CL"], dateFrom: "2030-05-30", dateTo: "2030-05-30" });
    expect(matches[0]!.homeTeam).toEqual({ id: null, name: null });
  });
});
