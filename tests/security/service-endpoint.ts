// The contract the cron-driven functions share (braze-scheduler,
// braze-reconcile, broadcasts-resolve, delete-user-resume): only
// Authorization: Bearer <CRON_SECRET or service-role key>, and only the body
// {} (or none). Every other request is refused before the job starts.
import fc from "fast-check";
import {
  type Attempt,
  authenticatedAttempt,
  badAuthorization,
  forgedTokens,
  junkBodies,
  parsedBody,
  unauthenticatedAttempt,
} from "./fuzz.ts";

const MAX_BODY_BYTES = 64 * 1024; // parseJson's default

/** The one body these functions accept: {} (an empty body reads as {}). */
function isTheEmptyObject(body: string | Uint8Array): boolean {
  const parsed = parsedBody(body);
  return parsed.ok && parsed.value !== null && typeof parsed.value === "object" && !Array.isArray(parsed.value) &&
    Object.keys(parsed.value).length === 0;
}

export async function serviceEndpointAttempts(secrets: string[]): Promise<fc.Arbitrary<Attempt>> {
  const forged = await forgedTokens(crypto.randomUUID());
  const bodies = fc.oneof(
    junkBodies(MAX_BODY_BYTES),
    // Near misses of {}: an extra key, a job name, a hint of a run to resume.
    fc.constantFrom('{"dry_run":true}', '{"campaign_id":"other"}', '{"force":true}', "[]", "null", '""', "{}}", "{,}"),
  );
  return fc.oneof(
    { weight: 3, arbitrary: unauthenticatedAttempt({ authorization: badAuthorization(secrets, forged), bodies }) },
    {
      weight: 2,
      arbitrary: authenticatedAttempt({
        label: "valid service credential, body other than {}",
        headers: fc.constantFrom(...secrets).chain((s) =>
          fc.constantFrom<[string, string][]>([["Authorization", `Bearer ${s}`]], [["authorization", `bearer  ${s} `]])
        ),
        bodies: bodies.filter((b) => !isTheEmptyObject(b)),
      }),
    },
  );
}
