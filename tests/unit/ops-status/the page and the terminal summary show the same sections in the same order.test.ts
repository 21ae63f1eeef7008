import { expect, it } from "vitest";
import { renderPage, SECTION_TITLES } from "../../../src/shared/jobs/ops-status/page.ts";
import { renderText } from "../../../src/shared/jobs/ops-status/text.ts";
import { NOW, snapshot } from "./fixtures.ts";

it("titles the page's sections and the text's sections alike", () => {
  const page = [...renderPage(snapshot()).matchAll(/<section id="[^"]+"><h2>([^<]+)<\/h2>/g)].map((m) =>
    m[1]!.replaceAll("&#39;", "'")
  );
  const lines = renderText(snapshot()).split("\n");
  const text = lines.filter((line, i) => /^=+$/.test(lines[i + 1] ?? "") && line.length === lines[i + 1]!.length);
  expect(page).toEqual([...SECTION_TITLES]);
  expect(text).toEqual([...SECTION_TITLES]);
});

it("prints database values without their control characters", () => {
  const s = snapshot({
    leases: [{
      job: "job\u001b[2J",
      holder: "cron:x\r\nFAKE",
      token: 1,
      acquired_at: NOW,
      expires_at: NOW,
      live: true,
    }],
  });
  const text = renderText(s);
  // deno-lint-ignore no-control-regex -- the assertion is that no control character reaches the terminal
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  expect(text).toContain("job [2J");
  expect(text).toContain("cron:x  FAKE");
});
