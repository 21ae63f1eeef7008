// One served stack for a test file: a fresh database (./db.ts) with the local
// environment over it (dev/local-env.ts: every simulator, every function, the
// local defaults) on free ports, and a caller that sends the cron secret.
import { LOCAL_SECRETS, type LocalStackOptions, startLocalStack } from "../../dev/local-env.ts";
import { createTestDatabase } from "./db.ts";
import { callFunction } from "./functions.ts";

export const CRON_SECRET = LOCAL_SECRETS.cron;
export const SERVICE_ROLE_KEY = LOCAL_SECRETS.serviceRole;

export async function startTestStack(options: Pick<LocalStackOptions, "env" | "simulators" | "serve"> = {}) {
  const database = await createTestDatabase();
  let local;
  try {
    local = await startLocalStack({ databaseUrl: database.url, ...options });
  } catch (e) {
    await database.drop();
    throw e;
  }
  const stack = local;
  return {
    database,
    /** The environment the functions are served with (to run a core in this process with the same settings). */
    env: stack.env,
    sims: stack.sims,
    url: stack.url,
    /** POSTs to a function with the stack's cron secret (or `token`; null sends none). */
    invoke: (name: string, init: { token?: string | null; body?: unknown } = {}) =>
      callFunction(stack.url(name), {
        token: init.token === undefined ? stack.env.CRON_SECRET! : init.token,
        body: init.body,
      }),
    async close() {
      await stack.close();
      await database.drop();
    },
  };
}

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;
