// A request refused before its body is read (no credential: 401) must still
// get its answer. Deno's HTTP server (2.1, the hosted runtime's) drops the
// connection without answering when a handler replies to a chunked request
// whose body it left unread and the client is still sending it; the caller
// then sees a broken pipe instead of a 401. The handler reads what is left of
// a refused body (up to its limit) before answering.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ServedFunctions } from "../support/functions.ts";
import { rawSend } from "./fuzz.ts";
import { serveWithAuthSettingsOnly } from "./stack.ts";

let fns: ServedFunctions;
beforeAll(async () => {
  fns = await serveWithAuthSettingsOnly();
});
afterAll(() => fns?.close());

it("answers every unauthenticated chunked POST with 401", async () => {
  const body = new TextEncoder().encode(JSON.stringify({ calendars: [] }));
  const statuses: (number | null)[] = [];
  for (let round = 0; round < 25; round++) {
    const answers = await Promise.all(
      ["braze-scheduler", "calendar-sync", "delete-user", "broadcasts"].map((name) =>
        rawSend(fns.url(name), {
          label: "no credential",
          method: "POST",
          headers: [["Content-Type", "application/json"], ["Authorization", "Bearer nope"]],
          body,
          chunked: true,
        })
      ),
    );
    statuses.push(...answers.map((a) => a.status));
  }
  expect(statuses.filter((s) => s !== 401)).toEqual([]);
});
