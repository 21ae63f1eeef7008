import { expect, test } from "vitest";
import { UpstreamError } from "../../../src/shared/errors.ts";
import { driveOperation } from "../../../src/shared/jobs/broadcasts/drive.ts";
import type { BroadcastProvider, BroadcastRow } from "../../../src/shared/jobs/broadcasts/types.ts";
import type { Db } from "../../../src/shared/ports.ts";

const row = (over: Partial<BroadcastRow>): BroadcastRow => ({
  id: "b1",
  subject: "s",
  content_html: "<p/>",
  audience_id: "a",
  publish_at: "2030-01-01T00:00:00.000Z",
  send_status: "rescheduling",
  provider_broadcast_id: "p1",
  pending_action: "reschedule",
  pending_publish_at: "2030-01-02T00:00:00.000Z",
  previous_status: "scheduled",
  operation_key: "k",
  attempts: 1,
  last_error: null,
  version: 3,
  updated_at: "",
  ...over,
});

function fakes(sendError?: Error, cancelError?: Error) {
  const rpcs: { fn: string; args: Record<string, unknown> }[] = [];
  const calls: string[] = [];
  const db: Db = {
    async rpc<T>(fn: string, args: Record<string, unknown> = {}) {
      rpcs.push({ fn, args });
      return { fn, version: Number(args.p_version) + 1 } as T;
    },
  };
  const provider: BroadcastProvider = {
    async createBroadcast() {
      calls.push("create");
      return { id: "p2" };
    },
    async cancelBroadcast() {
      calls.push("cancel");
      if (cancelError) throw cancelError;
    },
    async sendBroadcast() {
      calls.push("send");
      if (sendError) throw sendError;
    },
    async getBroadcast() {
      calls.push("get");
      return null;
    },
    async findBroadcastsByName() {
      calls.push("list");
      return [];
    },
  };
  return { rpcs, calls, ports: { db, provider, clock: { now: () => new Date(0) } } };
}

test("a reschedule whose new send is refused after the cancel leaves the row draft, as the provider has it", async () => {
  const f = fakes(new UpstreamError("422 bad time", "resend", "rejected", 422));
  const r = await driveOperation(f.ports, row({}), { mode: "editor" });
  expect(r.outcome).toBe("rolled_back");
  expect(f.calls).toEqual(["cancel", "send"]);
  expect(f.rpcs[0]).toMatchObject({
    fn: "broadcast_rollback",
    args: { p_to_status: "draft", p_version: 3, p_key: "k" },
  });
});

test("a reschedule whose cancel is refused leaves the old schedule and the row scheduled", async () => {
  const f = fakes(undefined, new UpstreamError("422 already sent", "resend", "rejected", 422));
  await driveOperation(f.ports, row({}), { mode: "editor" });
  expect(f.calls).toEqual(["cancel"]);
  expect(f.rpcs[0]).toMatchObject({ fn: "broadcast_rollback", args: { p_to_status: "scheduled" } });
});

test("an unknown outcome is never rolled back: the row keeps its key as uncertain", async () => {
  const f = fakes(new UpstreamError("timed out", "resend", "unknown"));
  const r = await driveOperation(
    f.ports,
    row({ pending_action: "schedule", previous_status: "draft", provider_broadcast_id: null }),
    { mode: "editor" },
  );
  expect(r.outcome).toBe("uncertain");
  expect(f.calls).toEqual(["create", "send"]);
  // The id is recorded the moment the create answers, before the send.
  expect(f.rpcs.map((x) => x.fn)).toEqual(["broadcast_record_provider_id", "broadcast_mark_uncertain"]);
  expect(f.rpcs[0]!.args).toMatchObject({ p_provider_broadcast_id: "p2", p_key: "k", p_version: 3 });
  expect(f.rpcs[1]!.args).toMatchObject({ p_key: "k", p_version: 4 });
});
