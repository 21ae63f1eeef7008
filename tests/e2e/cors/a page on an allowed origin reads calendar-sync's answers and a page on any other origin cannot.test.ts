// A web app on another origin calls calendar-sync from the browser with the
// user's token. Its origin is in CORS_ALLOWED_ORIGINS: the browser's preflight
// is answered, the sync runs, and the page reads the answer, a 401 for a bad
// token included. A page on an origin not in the list cannot: the browser
// refuses to send the request, and nothing changes.
import { createServer, type Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { mintAccessToken } from "../../../dev/mint-token.ts";
import { calendar, newUserId } from "../../support/calendars.ts";
import { startTestStack, type TestStack } from "../../support/stack.ts";
import { CHROMIUM, describeWithSystemPackages, launchChromium } from "../../support/system-packages.ts";

/** An empty page on its own origin (a free port on 127.0.0.1). */
async function servePage(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>app</title>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** What the page's fetch got: the status and body it could read, or the error the browser gave it. */
type Seen = { status: number; body: unknown } | { error: string };

function callFrom(page: Page, url: string, token: string, body: unknown): Promise<Seen> {
  return page.evaluate(async ({ url, token, body }) => {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    } catch (e) {
      return { error: String(e) };
    }
  }, { url, token, body });
}

describeWithSystemPackages(CHROMIUM)("calendar-sync from a browser on another origin", () => {
  let stack: TestStack;
  let allowed: Awaited<ReturnType<typeof servePage>>;
  let other: Awaited<ReturnType<typeof servePage>>;
  let browser: Browser;

  beforeAll(async () => {
    allowed = await servePage();
    other = await servePage();
    stack = await startTestStack({ env: { CORS_ALLOWED_ORIGINS: `https://app.example.test, ${allowed.origin}` } });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await allowed?.close();
    await other?.close();
  });

  it("syncs and reads the answer (and a 401) from the allowed origin; from another origin the browser sends nothing", async () => {
    const user = newUserId();
    const token = await mintAccessToken({ sub: user });
    const page = await browser.newPage();

    await page.goto(allowed.origin);
    expect(await callFrom(page, stack.url("calendar-sync"), token, { calendars: [calendar("work")] })).toEqual({
      status: 200,
      body: { inserted: 1, updated: 0, deleted: 0, unchanged: 0, revision: 1 },
    });
    const refused = await callFrom(
      page,
      stack.url("calendar-sync"),
      await mintAccessToken({ sub: user, expiresIn: "-1m" }),
      { calendars: [] },
    );
    expect(refused).toMatchObject({ status: 401, body: { error: "unauthorized" } });

    await page.goto(other.origin);
    const blocked = await callFrom(page, stack.url("calendar-sync"), token, { calendars: [] });
    expect(blocked).toEqual({ error: expect.stringMatching(/Failed to fetch/) });
    const rows = await stack.database.sql`select calendar_id from public.managed_calendars where user_id = ${user}`;
    expect(rows.map((r) => r.calendar_id)).toEqual(["work"]);
    await page.close();
  });
});
