// The served functions with the Auth and Resend simulators and a fresh
// database, as the delete-user e2e tests need them.
import { LOCAL_JWT_SECRET } from "../../../dev/mint-token.ts";
import { startGoTrueSimulator } from "../../../dev/sim/gotrue.ts";
import { startResendSimulator } from "../../../dev/sim/resend.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type ServedFunctions, serveFunctions } from "../../support/functions.ts";

export const AUDIENCE = "aud_members";

export interface DeletionStack {
  t: TestDatabase;
  gotrue: Awaited<ReturnType<typeof startGoTrueSimulator>>;
  resend: Awaited<ReturnType<typeof startResendSimulator>>;
  fns: ServedFunctions;
  close(): Promise<void>;
}

export async function startDeletionStack(): Promise<DeletionStack> {
  const t = await createTestDatabase();
  const gotrue = await startGoTrueSimulator({ port: 0 });
  const resend = await startResendSimulator({ port: 0 });
  const fns = await serveFunctions({
    DB_ADAPTER: "direct",
    SUPABASE_DB_URL: t.url,
    CRON_SECRET: "local-cron-secret",
    SUPABASE_SERVICE_ROLE_KEY: "local-service-role-key",
    SUPABASE_JWT_SECRET: LOCAL_JWT_SECRET,
    AUTH_ADMIN_URL: gotrue.url,
    RESEND_API_URL: resend.url,
    RESEND_API_KEY: "re_local_key",
    RESEND_AUDIENCE_ID: AUDIENCE,
  });
  return {
    t,
    gotrue,
    resend,
    fns,
    async close() {
      await fns.close();
      await gotrue.close();
      await resend.close();
      await t.drop();
    },
  };
}
