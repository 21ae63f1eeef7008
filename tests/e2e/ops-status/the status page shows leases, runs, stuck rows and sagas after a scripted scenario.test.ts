// Opens the operations page that `npm run ops -- --url <project>` serves on
// 127.0.0.1 from the ops-status function's JSON, in headless Chromium, after
// the scenario in ./scenario.ts (a local stack on free ports), and checks,
// section by section, what an operator would read. The screenshot is kept at
// .local/artifacts/ops-status.png.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { repoRoot } from "../../../dev/postgres.ts";
import { CHROMIUM, describeWithSystemPackages, launchChromium } from "../../support/system-packages.ts";
import { projectUrlOf, type ServedPage, serveOpsPage } from "./ops-cli.ts";
import {
  BROADCAST_SUBJECT,
  CRASHED_HOLDER,
  CRON_SECRET,
  DELETION_ERROR,
  DELETION_USER,
  type Scenario,
  startScenario,
  STUCK_MATCH_ID,
} from "./scenario.ts";

const SCREENSHOT = join(repoRoot, ".local/artifacts/ops-status.png");

describeWithSystemPackages(CHROMIUM)(
  "the status page shows leases, runs, stuck rows and sagas after a scripted scenario",
  () => {
    let scenario: Scenario;
    let served: ServedPage;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      scenario = await startScenario();
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      served = await serveOpsPage(projectUrlOf(scenario.functions.url("ops-status")), CRON_SECRET);
      const response = await page.goto(served.url);
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-type"]).toBe("text/html; charset=utf-8");
      mkdirSync(join(repoRoot, ".local/artifacts"), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await served?.stop();
      await scenario?.close();
    });

    const text = (selector: string) => page.locator(selector).innerText();

    it("serves the page from the function's JSON, which opens only to the secret in the Authorization header", async () => {
      const endpoint = scenario.functions.url("ops-status");
      expect((await fetch(endpoint)).status).toBe(401);
      // The secret in the URL opens nothing: URLs end up in access logs.
      expect((await fetch(`${endpoint}?token=${encodeURIComponent(CRON_SECRET)}`)).status).toBe(401);
      const answer = await fetch(endpoint, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await answer.json()).toMatchObject({
        leases: [expect.objectContaining({ holder: scenario.lease.holder })],
      });
      expect(served.url).not.toContain(CRON_SECRET);
      expect(scenario.webhookStatuses).toEqual([200, 200, 401]);
    });

    it("shows the scheduler's lease as held, by the run parked inside Braze", async () => {
      const row = page.locator("#leases tbody tr");
      expect(await row.count()).toBe(1);
      const cells = await row.locator("td").allInnerTexts();
      expect(cells[0]).toBe(scenario.lease.job);
      expect(cells[1]).toBe(scenario.lease.holder);
      expect(cells[5]).toBe("held");
    });

    it("lists each job's last runs with outcome, counts and duration, highlighting the unfinished ones", async () => {
      expect(await page.locator("#runs h3").allInnerTexts()).toEqual(["braze-reconcile", "braze-scheduler"]);

      const scheduler = page.locator("#runs table").nth(1).locator("tbody tr");
      expect(await scheduler.count()).toBe(2);
      // Newest first: the held run, highlighted, then the completed run with its counts.
      expect(await scheduler.nth(0).getAttribute("class")).toBe("unfinished");
      expect(await scheduler.nth(0).locator("td").nth(1).innerText()).toBe("running");
      expect(await scheduler.nth(0).locator("td").nth(3).innerText()).toMatch(/so far$/);
      expect(await scheduler.nth(1).locator("td").nth(1).innerText()).toBe("completed");
      expect(await scheduler.nth(1).locator("td").nth(2).innerText()).toMatch(/created 3 .*uncertain 1/);
      expect(await scheduler.nth(1).locator("td").nth(3).innerText()).toMatch(/^\d+(\.\d)? m?s$/);

      const reconcile = page.locator("#runs table").nth(0).locator("tbody tr");
      expect(await reconcile.count()).toBe(3);
      expect(await reconcile.nth(0).locator("td").nth(1).innerText()).toBe("locked");
      expect(await reconcile.nth(1).getAttribute("class")).toBe("unfinished crashed");
      expect(await reconcile.nth(1).innerText()).toContain(CRASHED_HOLDER);
      expect(await reconcile.nth(2).locator("td").nth(1).innerText()).toBe("failed");
      expect(await reconcile.nth(2).locator("td").nth(3).innerText()).toBe("1.5 s");
      expect(await reconcile.nth(2).innerText()).toContain("football-data answered 503");
    });

    it("charts the day's runs per hour by outcome", async () => {
      const bars = page.locator("#chart svg rect");
      const drawn: Record<string, number> = {};
      for (const bar of await bars.all()) {
        const outcome = (await bar.getAttribute("data-outcome"))!;
        drawn[outcome] = (drawn[outcome] ?? 0) + Number(await bar.getAttribute("data-runs"));
      }
      // The completed and running scheduler runs, the locked reconcile; the
      // crashed run (no outcome yet) counts as running; the failed one from 3 h ago.
      expect(drawn).toEqual({ completed: 1, running: 2, locked: 1, failed: 1 });
      expect(await page.locator("#chart svg > title").textContent()).toContain("(5 runs)");
    });

    it("counts the ledger by status and lists the uncertain row and the stuck row", async () => {
      const statusRows = await page.locator("#ledger table").nth(0).locator("tbody tr").all();
      const byStatus = Object.fromEntries(
        await Promise.all(statusRows.map(async (r) => {
          const [, status, rows] = await r.locator("td").allInnerTexts();
          return [status, Number(rows)];
        })),
      );
      expect(byStatus).toEqual({ scheduled: 3, uncertain: 1, creating: 2 });

      const attention = page.locator("#ledger table").nth(1).locator("tbody tr");
      expect(await attention.count()).toBe(2);
      const rows = await Promise.all((await attention.all()).map((r) => r.locator("td").allInnerTexts()));
      const byMatch = Object.fromEntries(rows.map((cells) => [Number(cells[2]), { why: cells[0], status: cells[3] }]));
      expect(byMatch).toEqual({
        [STUCK_MATCH_ID]: { why: "stuck", status: "creating" },
        [scenario.uncertainMatchId]: { why: "uncertain", status: "uncertain (create)" },
      });
    });

    it("shows the webhook counters, and says rejected deliveries are not recorded", async () => {
      const counter = (name: string) => text(`#webhooks dd[data-counter="${name}"]`);
      expect(await counter("deliveries")).toBe("2");
      expect(await counter("opens")).toBe("1");
      expect(await counter("clicks")).toBe("1");
      expect(await counter("rejected")).toBe("not recorded");
      expect(await text("#webhooks")).toMatch(/email\.clicked\s+1/);
    });

    it("lists the broadcast and the deletion saga waiting on their resolvers", async () => {
      const broadcast = page.locator("#broadcasts table").nth(1).locator("tbody tr");
      expect(await broadcast.count()).toBe(1);
      const cells = await broadcast.locator("td").allInnerTexts();
      // The subject's markup is shown as text, not rendered.
      expect(cells.slice(0, 3)).toEqual([BROADCAST_SUBJECT, "sending", "send"]);
      expect(cells[6]).toBe("due for the resolver");

      const saga = page.locator("#deletions table").nth(1).locator("tbody tr");
      expect(await saga.count()).toBe(1);
      const sagaCells = await saga.locator("td").allInnerTexts();
      expect(sagaCells[0]).toBe(DELETION_USER);
      expect(sagaCells[1]).toBe("in_progress");
      expect(sagaCells[3]).toBe("1");
      expect(sagaCells[6]).toBe(DELETION_ERROR);
    });

    it("saved a screenshot of the page", () => {
      expect(existsSync(SCREENSHOT)).toBe(true);
    });
  },
);
