import { expect, it } from "vitest";
import { type SettleItem, SettleQueue } from "../../../src/shared/jobs/braze/settle-queue.ts";
import type { Db } from "../../../src/shared/ports.ts";

function recordingDb() {
  const batches: SettleItem[][] = [];
  const db: Db = {
    async rpc<T>(_fn: string, args?: Record<string, unknown>) {
      batches.push(args!.p_results as SettleItem[]);
      await new Promise((r) => setTimeout(r, 5));
      return { applied: 0, stale: [] } as T;
    },
  };
  return { db, batches };
}

const item = (id: number): SettleItem => ({ id, version: 1, outcome: "ok", braze_schedule_id: `s${id}` });

it("sends everything pushed within the window as one call, and drain sends the rest at once", async () => {
  const { db, batches } = recordingDb();
  const queue = new SettleQueue(db, { lease: "l", token: 1, campaignId: "c" }, { windowMs: 50, maxBatch: 1000 });
  for (let i = 0; i < 10; i++) queue.push(item(i));
  await new Promise((r) => setTimeout(r, 80));
  expect(batches.map((b) => b.length)).toEqual([10]);

  queue.push(item(10));
  await queue.drain(); // does not wait for the window
  expect(batches.flat().map((i) => i.id)).toEqual([...Array(11).keys()]);
});

it("flushes a full batch without waiting, and loses nothing pushed during a flight", async () => {
  const { db, batches } = recordingDb();
  const queue = new SettleQueue(db, { lease: "l", token: 1, campaignId: "c" }, { windowMs: 10_000, maxBatch: 3 });
  for (let i = 0; i < 7; i++) queue.push(item(i));
  await queue.drain();
  expect(batches.flat().map((i) => i.id).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(batches[0]).toHaveLength(3);
});

it("rethrows a failed settle from drain", async () => {
  const db: Db = { rpc: async () => Promise.reject(new Error("lease lost")) };
  const queue = new SettleQueue(db, { lease: "l", token: 1, campaignId: "c" }, { windowMs: 1 });
  queue.push(item(1));
  await expect(queue.drain()).rejects.toThrow("lease lost");
});

it("drains at once when nothing is pending, however often it is called", async () => {
  const { db, batches } = recordingDb();
  const queue = new SettleQueue(db, { lease: "l", token: 1, campaignId: "c" });
  await queue.drain();
  await queue.drain();
  queue.push(item(1));
  await queue.drain();
  await queue.drain();
  expect(batches).toEqual([[item(1)]]);
});
