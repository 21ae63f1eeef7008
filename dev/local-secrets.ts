// The local stack's fixed secrets: the functions are served with them
// (dev/local-env.ts) and every local caller (tests, benches, `npm run ops`)
// presents them. None is ever a real one. This module imports nothing, so a
// small command such as dev/ops.ts can read them without loading the stack.
export const LOCAL_SECRETS = {
  cron: "local-cron-secret",
  serviceRole: "local-service-role-key",
  anon: "local-anon-key",
  /** The password Braze's Connected Content sends to braze-send-guard (`:basic_auth`). */
  brazeGuard: "local-braze-guard-secret",
  /** Svix's format: `whsec_` and the base64 of the key ("local-resend-webhook-secret-key!"). */
  resendWebhook: "whsec_bG9jYWwtcmVzZW5kLXdlYmhvb2stc2VjcmV0LWtleSE=",
} as const;
