import { afterAll, beforeAll, expect, it } from "vitest";
import { fromPostgres } from "../../../src/shared/db/direct.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
/** The lease helpers live in app_private (not exposed through PostgREST); tests call them directly. */
const internal = () => fromPostgres(t.sql, { schema: "app_private" });
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

type Lease = { token: number; expires_at: string } | null;
const acquire = (holder: string) =>
  internal().rpc<Lease>("acquire_job_lease", { p_job: "j", p_holder: holder, p_ttl_seconds: 60 });

it("refuses a live lease and grants an expired one with a strictly larger token", async () => {
  const first = await acquire("a");
  expect(first).not.toBeNull();
  expect(await acquire("b")).toBeNull();

  // Expire it by the database's clock, as if holder a had crashed.
  await t.sql`update app_private.job_leases set expires_at = now() - interval '1 second' where job = 'j'`;
  const second = await acquire("b");
  expect(second).not.toBeNull();
  expect(Number(second!.token)).toBeGreaterThan(Number(first!.token));

  // The old holder can neither renew nor release the new holder's lease.
  await expect(t.db.rpc("renew_job_lease", { p_job: "j", p_token: first!.token, p_ttl_seconds: 60 })).rejects
    .toMatchObject({
      name: "LeaseLostError",
    });
  expect(await internal().rpc("release_job_lease", { p_job: "j", p_token: first!.token })).toEqual({ released: false });
  const [row] = await t.sql`select holder, token from app_private.job_leases where job = 'j'`;
  expect(row).toMatchObject({ holder: "b" });
  expect(Number(row!.token)).toBe(Number(second!.token));
});

it("renews only a live lease and frees it on release", async () => {
  const lease = await internal().rpc<Lease>("acquire_job_lease", { p_job: "k", p_holder: "a", p_ttl_seconds: 5 });
  const renewed = await t.db.rpc<{ expires_at: string }>("renew_job_lease", {
    p_job: "k",
    p_token: lease!.token,
    p_ttl_seconds: 600,
  });
  expect(Date.parse(renewed.expires_at)).toBeGreaterThan(Date.parse(lease!.expires_at));
  expect(await internal().rpc("release_job_lease", { p_job: "k", p_token: lease!.token })).toEqual({ released: true });
  expect(await internal().rpc<Lease>("acquire_job_lease", { p_job: "k", p_holder: "b", p_ttl_seconds: 5 })).not
    .toBeNull();
});

it("rejects a nonsensical ttl as invalid input", async () => {
  await expect(
    acquire("x").then(() => internal().rpc("acquire_job_lease", { p_job: "z", p_holder: "h", p_ttl_seconds: 0 })),
  )
    .rejects.toMatchObject({
      name: "InvalidInputError",
    });
});
