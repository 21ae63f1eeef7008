import { expect, it } from "vitest";
import { functionName, handler as edge } from "../../../src/shared/http/handler.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { LockedError } from "../../../src/shared/errors.ts";

it("logs the function, status and run id of a completed run", async () => {
  const lines: string[] = [];
  const { fetch } = edge({
    callers: [],
    config: () => ({}),
    verifyBody: () => undefined,
    run: async () => json(200, { run_id: "r-1", outcome: "completed" }),
    log: (l) => lines.push(l),
  });
  const res = await fetch(new Request("http://127.0.0.1:54321/functions/v1/braze-scheduler", { method: "POST" }));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ run_id: "r-1", outcome: "completed" }); // the body is still readable
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ fn: "braze-scheduler", method: "POST", status: 200, run_id: "r-1" });
});

it("logs refused requests too, mapped to their status", async () => {
  const lines: string[] = [];
  const { fetch } = edge({
    callers: [],
    config: () => ({}),
    verifyBody: () => undefined,
    run: async () => {
      throw new LockedError("held");
    },
    log: (l) => lines.push(l),
  });
  await fetch(new Request("http://x/functions/v1/braze-reconcile", { method: "POST" }));
  await fetch(new Request("http://x/functions/v1/braze-reconcile", { method: "GET" }));
  expect(lines.map((l) => JSON.parse(l).status)).toEqual([409, 405]);
});

it("reads the name from platform and local URLs", () => {
  expect(functionName("https://ref.supabase.co/functions/v1/delete-user")).toBe("delete-user");
  expect(functionName("http://localhost:9000/delete-user/extra")).toBe("delete-user");
});
