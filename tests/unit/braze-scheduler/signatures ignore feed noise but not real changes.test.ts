import { describe, expect, it } from "vitest";
import { notificationFor } from "../../../src/shared/jobs/braze-scheduler/signature.ts";
import { match } from "./fixtures.ts";

const sig = (m: ReturnType<typeof match>) => notificationFor(m, 60, "v1")!.signature;

describe("signature normalization", () => {
  const base = match(1, "2026-11-29T15:00:00Z");

  it("ignores a one-second kickoff wobble", () => {
    expect(sig(match(1, "2026-11-29T15:00:01Z"))).toBe(sig(base));
    expect(sig(match(1, "2026-11-29T15:00:59.999Z"))).toBe(sig(base));
  });

  it("ignores surrounding and repeated whitespace in team names", () => {
    const noisy = match(1, "2026-11-29T15:00:00Z", {
      homeTeam: { id: 1, name: "  Arsenal   FC " },
      awayTeam: { id: 2, name: "Chelsea FC\t" },
    });
    expect(sig(noisy)).toBe(sig(base));
  });

  it("changes when the kickoff minute, a team, or the template changes", () => {
    expect(sig(match(1, "2026-11-29T15:01:00Z"))).not.toBe(sig(base));
    expect(sig(match(1, "2026-11-29T15:00:00Z", { homeTeam: { id: 3, name: "Arsenal" } }))).not.toBe(sig(base));
    expect(notificationFor(base, 60, "v2")!.signature).not.toBe(sig(base));
  });

  it("sends lead minutes before kickoff, on the minute", () => {
    const n = notificationFor(match(1, "2026-11-29T15:00:42Z"), 60, "v1")!;
    expect(n.sendAt.toISOString()).toBe("2026-11-29T14:00:00.000Z");
  });

  it("has nothing to announce while a team is still unknown", () => {
    expect(notificationFor(match(1, "2026-11-29T15:00:00Z", { awayTeam: { id: null, name: null } }), 60, "v1"))
      .toBeNull();
  });
});
