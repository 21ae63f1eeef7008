// Serving the edge functions for a test, and calling them.
//
// serveFunctions(env) serves them with exactly `env` (plus the user-token
// settings): for a test about what a function does with the settings it is
// given, missing ones included. A test that wants the whole local environment
// (defaults, simulators, a fresh database) uses startTestStack (./stack.ts).
// User tokens are verified as on a hosted project, against an Auth simulator
// (JWKS and /auth/v1/user): the one at AUTH_URL or AUTH_ADMIN_URL if the test
// has one, else one started here.
import { LOCAL_SECRETS, type ServedFunctions, serveFunctions as serve } from "../../dev/local-env.ts";
import { LOCAL_ISSUER } from "../../dev/mint-token.ts";
import { startGoTrueSimulator } from "../../dev/sim/gotrue.ts";

export type { ServedFunctions };

export async function serveFunctions(env: Record<string, string>): Promise<ServedFunctions> {
  const auth = env.AUTH_URL || env.AUTH_ADMIN_URL ? undefined : await startGoTrueSimulator({ port: 0 });
  const authUrl = env.AUTH_URL ?? env.AUTH_ADMIN_URL ?? auth!.url;
  try {
    const served = await serve({
      env: { SUPABASE_ANON_KEY: LOCAL_SECRETS.anon, AUTH_JWT_ISSUER: LOCAL_ISSUER, ...env, AUTH_URL: authUrl },
    });
    return {
      ...served,
      async close() {
        await served.close();
        await auth?.close();
      },
    };
  } catch (e) {
    await auth?.close();
    throw e;
  }
}

export interface FunctionAnswer {
  status: number;
  // deno-lint-ignore no-explicit-any -- answers are read field by field in each test
  body: Record<string, any>;
}

/**
 * POSTs to a served function with `Authorization: Bearer <token>` (none for
 * null) and reads its JSON answer. A string body is sent as written, anything
 * else as JSON; the default is `{}`.
 */
export async function callFunction(
  url: string,
  init: { token: string | null; body?: unknown },
): Promise<FunctionAnswer> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: typeof init.body === "string" ? init.body : JSON.stringify(init.body ?? {}),
  });
  return { status: res.status, body: (await res.json()) as FunctionAnswer["body"] };
}
