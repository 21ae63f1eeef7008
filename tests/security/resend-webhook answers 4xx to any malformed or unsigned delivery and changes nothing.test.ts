// resend-webhook under hostile input: deliveries are already stored. No
// delivery without a valid Svix signature (none, garbage, another secret, over
// another body, replayed from ten minutes ago or dated ahead), and no signed
// delivery whose svix-id or payload is malformed, gets anything but a 4xx or
// stores or counts anything.
import fc from "fast-check";
import { MAX_BODY_BYTES } from "../../src/shared/jobs/resend-webhook/handle.ts";
import { schemaFor, svixIdSchema } from "../../src/shared/jobs/resend-webhook/event.ts";
import { emailEvent, signedHeaders } from "../../src/shared/jobs/resend-webhook/sign.ts";
import { post, SECRET } from "../e2e/resend-webhook/deliveries.ts";
import { startTestStack } from "../support/stack.ts";
import { type Attempt, hostileHeaders, hostileValue, injection, itRefusesAll, junkBodies, parsedBody } from "./fuzz.ts";

const OTHER_SECRET = "whsec_c29tZW9uZS1lbHNlcy1zZWNyZXQta2V5LTEyMzQ=";

/** Would the function store this if it were honestly signed? */
const storable = (svixId: string, body: string) => {
  const p = parsedBody(body);
  if (!p.ok || body.trim() === "" || !svixIdSchema.safeParse(svixId).success) return false;
  return schemaFor(p.value).safeParse(p.value).success;
};

itRefusesAll({
  endpoint: "resend-webhook",
  behaviour: "refuses every forged, replayed or malformed delivery, and changes nothing",
  stack: async () => {
    const stack = await startTestStack();
    const now = new Date().toISOString();
    for (const [i, type] of ["email.delivered", "email.opened", "email.clicked"].entries()) {
      const click = type === "email.clicked" ? { click: { link: "https://example.com/a", timestamp: now } } : {};
      const stored = await post(stack.url("resend-webhook"), {
        svixId: `msg_seed_${i}`,
        body: emailEvent(type, now, "e-seeded", click),
        signedAt: new Date(),
      });
      if (stored.status !== 200) throw new Error(`storing delivery ${i} answered ${stored.status}`);
    }
    return { ...stack, sql: stack.database.sql };
  },
  attempts: () => {
    const now = new Date().toISOString();
    const event = fc
      .record({
        type: fc.oneof(fc.constantFrom("email.opened", "email.clicked", "email.bounced"), hostileValue),
        created_at: fc.oneof(fc.constant(now), fc.constant("yesterday"), hostileValue),
        data: fc.oneof(
          fc.record({
            email_id: fc.oneof(fc.constant("e-seeded"), injection, hostileValue, fc.constant("x".repeat(201))),
            to: hostileValue,
            click: hostileValue,
          }, { requiredKeys: [] }),
          hostileValue,
        ),
      }, { requiredKeys: [] })
      .map((e) => JSON.stringify(e));
    const honest = fc.constantFrom(
      emailEvent("email.opened", now, "e-seeded"),
      emailEvent("email.clicked", now, "e-seeded", { click: { link: "https://example.com/b", timestamp: now } }),
      emailEvent("contact.created", now, "e-other"),
    );
    const textBodies = fc.oneof(
      junkBodies(MAX_BODY_BYTES).map((b) => (typeof b === "string" ? b : new TextDecoder().decode(b))),
      event,
      honest,
    );
    const svixId = fc.oneof(
      fc.constant("msg_seed_1"),
      // deno-lint-ignore no-control-regex -- strips the bytes an HTTP header cannot carry
      fc.string({ maxLength: 30 }).map((s) => `msg_${s.replace(/[\r\n\u0000]/g, "")}`),
      fc.constant(""),
      fc.constant("m".repeat(201)),
    );

    // How the delivery is (not) signed; only "honest" uses the real secret, now.
    const signing = fc.constantFrom(
      "none",
      "garbage",
      "other-secret",
      "other-body",
      "replayed",
      "future",
      "honest-but-malformed",
      "bad-timestamp",
    );
    return fc
      .record({
        body: textBodies,
        id: svixId,
        how: signing,
        hostile: hostileHeaders,
        chunked: fc.boolean(),
        method: fc.constantFrom("POST", "POST", "POST", "PUT"),
      })
      .filter(({ how, id, body, method }) => how !== "honest-but-malformed" || method !== "POST" || !storable(id, body))
      .map(({ body, id, how, hostile, chunked, method }) => {
        const at = (offsetMs: number) => ({ svixId: id, body, signedAt: new Date(Date.now() + offsetMs) });
        let headers: Record<string, string> = {};
        if (how === "garbage") {
          headers = {
            "svix-id": id,
            "svix-timestamp": String(Math.floor(Date.now() / 1000)),
            "svix-signature": `v1,${Buffer.from(id).toString("base64")}`,
          };
        }
        if (how === "other-secret") headers = signedHeaders(OTHER_SECRET, at(0));
        if (how === "other-body") headers = signedHeaders(SECRET, { ...at(0), body: `${body} ` }); // a body one byte off what is sent
        if (how === "replayed") headers = signedHeaders(SECRET, at(-10 * 60_000));
        if (how === "future") headers = signedHeaders(SECRET, at(10 * 60_000));
        if (how === "honest-but-malformed") headers = signedHeaders(SECRET, at(0));
        if (how === "bad-timestamp") headers = { ...signedHeaders(SECRET, at(0)), "svix-timestamp": "not-a-number" };
        const lines = Object.entries(headers).map(([k, v]) => [k, v] as [string, string]);
        return {
          label: `signature: ${how}`,
          method,
          // A signed delivery keeps clean headers: an injected line could end the header block early.
          headers: [
            ["Content-Type", "application/json"] as [string, string],
            ...lines,
            ...(how === "honest-but-malformed" ? [] : hostile),
          ],
          body: new TextEncoder().encode(body),
          chunked,
        };
      }) satisfies fc.Arbitrary<Attempt>;
  },
});
