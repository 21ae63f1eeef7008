// braze-send-guard as Braze's Connected Content calls it: GET ?key=<guard
// key> with HTTP Basic whose password is BRAZE_GUARD_SECRET (the user name is
// whatever the Braze credential holds). The answer is JSON Braze can :save
// and cache per URL; a bad key is 400 and a caller without the secret 401,
// both before the ledger is read.
import { afterAll, beforeAll, expect, it } from "vitest";
import { LOCAL_SECRETS } from "../../../dev/local-env.ts";
import { startTestStack, type TestStack } from "../../support/stack.ts";
import { createdRow, dueNow, guarded } from "../../db/send-guard/fixtures.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ simulators: {} });
});
afterAll(() => stack?.close());

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

async function get(key: string | null, authorization?: string) {
  const url = new URL(stack.url("braze-send-guard"));
  if (key !== null) url.searchParams.set("key", key);
  const res = await fetch(url, { headers: authorization ? { authorization } : {} });
  return {
    status: res.status,
    cache: res.headers.get("cache-control"),
    body: await res.json() as Record<string, unknown>,
  };
}

it("answers send to the first key of a due match, again to the same key, abort to another, cacheable", async () => {
  const g = await guarded(stack.database.db);
  const a = await createdRow(g, 11, "uncertain");
  const [b] = await stack.database.db.rpc<{ id: number; version: number; guard_key: string }[]>("ledger_begin", {
    p_lease: "braze:campaign:c1",
    p_token: g.token,
    p_campaign_id: "c1",
    p_intents: [{
      action: "retry_create",
      match_id: 11,
      id: a.id,
      version: a.version,
      attempt_id: crypto.randomUUID(),
    }],
  });
  await dueNow(stack.database.sql, a.id);

  const auth = basic("braze", LOCAL_SECRETS.brazeGuard);
  const first = await get(b!.guard_key, auth);
  expect(first).toEqual({
    status: 200,
    cache: "private, max-age=300",
    body: { send: true, reason: "delivery claimed" },
  });
  expect((await get(b!.guard_key, auth)).body.send).toBe(true);
  expect((await get(a.key, basic("any user name", LOCAL_SECRETS.brazeGuard))).body).toEqual({
    send: false,
    reason: "another schedule of this match delivered",
  });
});

it("refuses a missing, repeated or malformed key with 400 and a caller without the secret with 401", async () => {
  const ledger = () => stack.database.sql`select * from app_private.schedule_ledger order by id`;
  const before = await ledger();
  const auth = basic("braze", LOCAL_SECRETS.brazeGuard);
  expect((await get(null, auth)).status).toBe(400);
  expect((await get("not-a-uuid", auth)).status).toBe(400);
  const url = new URL(stack.url("braze-send-guard"));
  url.searchParams.append("key", crypto.randomUUID());
  url.searchParams.append("key", crypto.randomUUID());
  expect((await fetch(url, { headers: { authorization: auth } })).status).toBe(400);

  const key = crypto.randomUUID();
  expect((await get(key)).status).toBe(401);
  expect((await get(key, basic("braze", "wrong-secret-of-some-length"))).status).toBe(401);
  expect((await get(key, `Bearer ${LOCAL_SECRETS.brazeGuard}`)).status).toBe(401);
  expect((await get(key, `Bearer ${stack.env.CRON_SECRET}`)).status).toBe(401);
  expect(await ledger()).toEqual(before);
});
