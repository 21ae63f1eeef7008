// braze-send-guard: GET ?key=<guard key> by Braze Connected Content (HTTP
// Basic, password BRAZE_GUARD_SECRET), at send time, once per recipient (less
// what Braze's cache answers). 200 {"send": true|false, "reason": "..."};
// 400 for a missing or malformed key; 401 without the secret. The push
// template aborts only on an explicit "send": false, so an unreachable guard
// (any other answer) lets the push out.
import { handler } from "../../../src/shared/http/handler.ts";
import { sendGuardFromEnv } from "../../../src/shared/jobs/braze-send-guard/env.ts";
import { answerGuard } from "../../../src/shared/jobs/braze-send-guard/run.ts";

export default handler({
  methods: ["GET"],
  callers: ["braze_guard"],
  config: () => sendGuardFromEnv(),
  body: null,
  run: ({ config, req }) => answerGuard(config, req.url),
});
