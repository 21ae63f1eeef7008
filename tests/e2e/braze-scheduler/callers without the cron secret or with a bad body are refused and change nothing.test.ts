import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type SchedulerStack,
  SERVICE_ROLE_KEY,
  startSchedulerStack,
  upcomingMatches,
} from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
beforeAll(async () => {
  stack = await startSchedulerStack({ matches: upcomingMatches(3) });
});
afterAll(() => stack.close());

it("answers 401 without a token or with a wrong one, 400 for an unexpected body, and does nothing", async () => {
  expect((await stack.runScheduler({ token: null })).status).toBe(401);
  expect((await stack.runScheduler({ token: "not-the-secret" })).status).toBe(401);
  const bad = await stack.runScheduler({ body: '{"campaign":"other"}' });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ error: "invalid_input" });
  expect((await stack.runScheduler({ body: "{not json" })).status).toBe(400);

  expect((await stack.brazeSim.state()).calls).toHaveLength(0);
  expect((await stack.database.sql`select count(*)::int as n from app_private.job_runs`)[0]!.n).toBe(0);
});

it("accepts the service-role key as an operator's credential", async () => {
  const run = await stack.runScheduler({ token: SERVICE_ROLE_KEY });
  expect(run).toMatchObject({ status: 200, body: { outcome: "completed", created: 3 } });
});
