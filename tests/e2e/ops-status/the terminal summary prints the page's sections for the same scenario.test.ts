// `npm run ops -- --text --url <project>` against the scripted scenario's
// local stack: the page's sections, in the page's order, with the rows an
// operator needs, for a shell or a CI log. And without the right secret in the
// environment it says why and exits non-zero.
import { afterAll, beforeAll, expect, it } from "vitest";
import { SECTION_TITLES } from "../../../src/shared/jobs/ops-status/page.ts";
import { opsText, projectUrlOf } from "./ops-cli.ts";
import {
  CRASHED_HOLDER,
  CRON_SECRET,
  DELETION_ERROR,
  DELETION_USER,
  type Scenario,
  startScenario,
  STUCK_MATCH_ID,
} from "./scenario.ts";

let scenario: Scenario;
let projectUrl: string;
beforeAll(async () => {
  scenario = await startScenario();
  projectUrl = projectUrlOf(scenario.functions.url("ops-status"));
}, 120_000);
afterAll(async () => {
  await scenario?.close();
});

it("prints every section of the page, in order, with the scenario's rows", async () => {
  const { code, stdout } = await opsText(projectUrl, CRON_SECRET);
  expect(code).toBe(0);
  const headings = stdout.split("\n").filter((line, i, lines) =>
    /^=+$/.test(lines[i + 1] ?? "") && line.length === lines[i + 1]!.length
  );
  expect(headings).toEqual([...SECTION_TITLES]);
  for (
    const fact of [
      scenario.lease.holder,
      CRASHED_HOLDER,
      String(STUCK_MATCH_ID),
      String(scenario.uncertainMatchId),
      DELETION_USER,
      DELETION_ERROR,
      "football-data answered 503",
    ]
  ) {
    expect(stdout).toContain(fact);
  }
  expect(stdout).toMatch(/deliveries 2 .* opens 1 .* clicks 1/);
});

it("exits 1 naming the answer when the secret is wrong", async () => {
  const { code, stdout, stderr } = await opsText(projectUrl, "not-the-cron-secret");
  expect(code).toBe(1);
  expect(stdout).toBe("");
  expect(stderr).toContain("ops-status answered 401");
});
