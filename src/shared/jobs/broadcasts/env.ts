// broadcasts' settings. The editors' function (broadcasts) and the machine-only
// resolver (broadcasts-resolve) share the database and Resend settings; each
// reads only its own on top: the editor role is a user-facing setting the
// resolver never needs, and the resolver's bounds mean nothing to an editor.
import { z } from "zod";
import { dbEnv, intIn, leaseTtlSeconds, perIsolate, resendConnection, resendEnv } from "../../config.ts";
import { dbFromEnv } from "../../db/from-env.ts";
import { createResendClient } from "../../providers/resend/client.ts";
import type { ResolverSettings } from "./resolve.ts";
import type { BroadcastPorts } from "./types.ts";

type Source = Record<string, string | undefined>;

const portsEnv = {
  ...dbEnv,
  ...resendEnv,
  /** The sender of every broadcast, e.g. "News <news@example.com>". */
  RESEND_FROM: z.string().min(3),
};

const portsFrom = (env: z.infer<z.ZodObject<typeof portsEnv>>): BroadcastPorts => ({
  db: dbFromEnv(env),
  provider: createResendClient({ ...resendConnection(env), from: env.RESEND_FROM }),
});

export const broadcastEditorsEnvSchema = z.object({
  ...portsEnv,
  /** The app_metadata role a signed-in user needs to act on broadcasts. */
  BROADCASTS_EDITOR_ROLE: z.string().min(1).default("editor"),
});

/** The editors' function: ports and the role that makes a user an editor. */
export const broadcastEditorsFromEnv: (source?: Source) => { ports: BroadcastPorts; editorRole: string } = perIsolate(
  broadcastEditorsEnvSchema,
  (env) => ({ ports: portsFrom(env), editorRole: env.BROADCASTS_EDITOR_ROLE }),
);

export const broadcastsEnvSchema = z.object({
  ...portsEnv,
  // Longer than an edge function may run (150 s free, 400 s paid), so the
  // resolver never takes over a request that is still working.
  BROADCASTS_RESOLVE_GRACE_SECONDS: intIn(0, 86_400).default(600),
  BROADCASTS_RESOLVE_BATCH: intIn(1, 1000).default(50),
  // Drives of one operation (its first attempt included) after which a row
  // whose broadcast Resend cannot show us becomes 'unresolved'.
  BROADCASTS_RESOLVE_MAX_ATTEMPTS: intIn(2, 100).default(6),
  BROADCASTS_LEASE_TTL_SECONDS: leaseTtlSeconds.default(120),
});

/**
 * The broadcasts ports with the resolver's settings: what broadcasts-resolve
 * (machine callers only) and anything driving the cores in process use.
 */
export const broadcastsFromEnv: (source?: Source) => { ports: BroadcastPorts; resolver: ResolverSettings } = perIsolate(
  broadcastsEnvSchema,
  (env) => ({
    ports: portsFrom(env),
    resolver: {
      graceSeconds: env.BROADCASTS_RESOLVE_GRACE_SECONDS,
      batchSize: env.BROADCASTS_RESOLVE_BATCH,
      leaseTtlSeconds: env.BROADCASTS_LEASE_TTL_SECONDS,
      maxAttempts: env.BROADCASTS_RESOLVE_MAX_ATTEMPTS,
    },
  }),
);
