// The edge function's own checks: every documented limit is a 400 that names
// the field, before the database is touched.
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../../src/shared/errors.ts";
import { parseWith } from "../../../src/shared/http/parse.ts";
import { maxBodyBytes, syncRequestSchema } from "../../../src/shared/jobs/calendar-sync/schema.ts";
import { calendar } from "../../support/calendars.ts";

function refusal(body: unknown, max?: number): InvalidInputError {
  try {
    parseWith(syncRequestSchema(max), body);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return e as InvalidInputError;
  }
  throw new Error("the request was accepted");
}

const paths = (e: InvalidInputError) => (e.issues as { path: string }[]).map((i) => i.path);

describe("refuses", () => {
  it("more than 500 calendars", () => {
    const e = refusal({ calendars: Array.from({ length: 501 }, (_, i) => calendar(`c${i}`)) });
    expect(e.message).toMatch(/calendars: at most 500 calendars per sync/);
  });

  it("a duplicate calendar_id, naming the second occurrence and the first", () => {
    const e = refusal({ calendars: [calendar("a"), calendar("b"), calendar("a")] });
    expect(e.message).toBe("invalid body: calendars.2.calendar_id: duplicate of calendars.0.calendar_id");
  });

  it.each([
    ["calendars.3.name", { name: "n".repeat(256) }],
    ["calendars.3.name", { name: "" }],
    ["calendars.3.calendar_id", { calendar_id: "i".repeat(256) }],
    ["calendars.3.color", { color: "c".repeat(33) }],
    ["calendars.3.is_primary", { is_primary: "true" }],
    ["calendars.3.settings", { settings: { blob: "s".repeat(4096) } }],
    ["calendars.3.settings", { settings: ["not", "an", "object"] }],
    ["calendars.3.name", { name: "nul\u0000byte" }],
    ["calendars.3.settings", { settings: { nested: { note: "nul\u0000byte" } } }],
  ])("%s out of bounds", (path, overrides) => {
    const list = [calendar("a"), calendar("b"), calendar("c"), { ...calendar("d"), ...overrides }];
    expect(paths(refusal({ calendars: list }))).toEqual([path]);
  });

  it("a field the API does not have, such as a user_id", () => {
    const e = refusal({ calendars: [], user_id: "someone-else" });
    expect(e.message).toMatch(/user_id/);
  });

  it("an expected_revision that is not a whole number", () => {
    expect(paths(refusal({ calendars: [], expected_revision: 1.5 }))).toEqual(["expected_revision"]);
  });
});

describe("accepts", () => {
  it("exactly 500 calendars at their largest, within the body limit", () => {
    const big = Array.from({ length: 500 }, (_, i) => ({
      calendar_id: `${i}`.padEnd(255, "i"),
      name: "n".repeat(255),
      color: "c".repeat(32),
      is_primary: i === 0,
      settings: { blob: "s".repeat(4000) },
    }));
    const body = { calendars: big, expected_revision: 12 };
    expect(parseWith(syncRequestSchema(), body).calendars).toHaveLength(500);
    expect(new TextEncoder().encode(JSON.stringify(body)).byteLength).toBeLessThan(maxBodyBytes(500));
  });

  it("a calendar without settings or color: keep what the user has", () => {
    const parsed = parseWith(syncRequestSchema(), { calendars: [{ calendar_id: "a", name: "A", is_primary: true }] });
    expect(parsed.calendars[0]).toEqual({ calendar_id: "a", name: "A", is_primary: true });
  });

  it("up to the configured limit", () => {
    expect(
      parseWith(syncRequestSchema(1000), { calendars: Array.from({ length: 1000 }, (_, i) => calendar(`c${i}`)) })
        .calendars,
    ).toHaveLength(1000);
  });
});
