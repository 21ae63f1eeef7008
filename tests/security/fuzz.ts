// Building blocks for the "bad input, tried" property tests: hostile requests
// written byte for byte on a raw socket (so duplicated headers, header
// injection, invalid UTF-8 and bodies past the limit reach the server exactly
// as sent), a cheap checksum of every table and sequence in the database's
// non-system schemas, and a runner that sends batches concurrently and asserts every
// answer is a 4xx and nothing changed.
import { appendFileSync } from "node:fs";
import { connect } from "node:net";
import fc from "fast-check";
import { SignJWT } from "jose";
import type { Sql } from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { exportJWK, generateKeyPair } from "jose";
import { LOCAL_ISSUER, LOCAL_JWT_SECRET, mintAccessToken } from "../../dev/mint-token.ts";
import { LOCAL_SIGNING_KID } from "../../dev/sim/auth-tokens.ts";

export interface Attempt {
  /** What kind of input this is, for the failure message. */
  label: string;
  method: string;
  /** Header lines as written: a value may carry CR/LF (header injection). */
  headers: [string, string][];
  body: Uint8Array;
  /** Send the body chunked, with no Content-Length (the limit must hold while streaming). */
  chunked: boolean;
}

export interface Answer {
  status: number | null;
  head: string;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Writes the request on a fresh connection and reads the status line (null if none came). */
export function rawSend(url: string, attempt: Attempt, timeoutMs = 20_000): Promise<Answer> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      resolve({ status: match ? Number(match[1]) : null, head: received.slice(0, 600) });
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on("data", (d) => {
      received += d.toString("latin1");
      if (received.length > 8192) done();
    });
    // The server may answer 413 and close while a large body is still being
    // written: the answer is what counts, not the broken pipe.
    socket.on("error", () => {});
    socket.on("close", done);
    socket.on("connect", () => {
      const lines = [`${attempt.method} ${pathname} HTTP/1.1`, `Host: ${hostname}:${port}`, "Connection: close"];
      for (const [k, v] of attempt.headers) lines.push(`${k}: ${v}`);
      lines.push(attempt.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${attempt.body.byteLength}`);
      // UTF-8: non-ASCII header text goes out as obs-text bytes, as a browser would send it.
      // One write for the whole request, as a client with a small body does:
      // a body trickling in after the server answered and closed makes the
      // server's kernel reset the connection, which can discard the answer.
      const parts: Uint8Array[] = [Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "utf8")];
      if (attempt.chunked) {
        for (let i = 0; i < attempt.body.byteLength; i += 16_384) {
          const chunk = attempt.body.subarray(i, i + 16_384);
          parts.push(utf8(`${chunk.byteLength.toString(16)}\r\n`), chunk, utf8("\r\n"));
        }
        parts.push(utf8("0\r\n\r\n"));
      } else if (attempt.body.byteLength) {
        parts.push(attempt.body);
      }
      socket.write(Buffer.concat(parts));
    });
  });
}

// ---------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------

export const INJECTIONS = [
  "'; drop table app_private.job_runs; --",
  "' or '1'='1",
  "1; select pg_sleep(30)",
  "$$; delete from app_private.broadcasts; $$",
  '"); truncate app_private.user_deletions cascade; --',
  "\u0000",
  "\\u0000",
  "../../../../etc/passwd",
  "<script>alert(1)</script>",
  "${jndi:ldap://127.0.0.1/x}",
  "{{7*7}}",
  "%00%0d%0aSet-Cookie: a=b",
  "\ud800",
  "9".repeat(400),
  "-1",
  "1e309",
];

export const injection = fc.constantFrom(...INJECTIONS);

/** A JSON value that is hostile: wrong types, injections, prototype keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  injection,
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.constant({ __proto__: { admin: true } }),
  fc.array(injection, { maxLength: 3 }),
  fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "prototype")), injection, {
    maxKeys: 3,
  }),
);

const deep = fc.record({
  depth: fc.integer({ min: 500, max: 20_000 }),
  shape: fc.constantFrom("array", "object", "unbalanced"),
}).map(({ depth, shape }) =>
  shape === "array"
    ? "[".repeat(depth) + "]".repeat(depth)
    : shape === "object"
    ? '{"a":'.repeat(depth) + "1" + "}".repeat(depth)
    : "[".repeat(depth)
);

/** A body of `bytes` bytes that is otherwise plausible JSON. */
export const hugeBody = (bytes: number) => `{"x":"${"A".repeat(Math.max(0, bytes - 8))}"}`;

/** Bodies any endpoint must refuse without a valid credential, and most with one. */
export function junkBodies(maxBodyBytes: number): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.json(),
    fc.jsonValue().map((v) => JSON.stringify(v) ?? "null"),
    fc.uint8Array({ maxLength: 200 }), // not UTF-8, mostly
    deep,
    fc.integer({ min: 1, max: maxBodyBytes }).map((extra) => hugeBody(maxBodyBytes + extra)),
    hostileValue.map((v) => JSON.stringify(v) ?? "null"),
    fc.dictionary(fc.string({ maxLength: 20 }), hostileValue, { minKeys: 1, maxKeys: 5 }).map((o) => JSON.stringify(o)),
  );
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

const WRONG_KEY = "not-the-project-jwt-secret-but-just-as-long-as-it";

/**
 * Tokens no function may accept: expired, wrong key, wrong audience, issuer
 * or role, a key the project's JWKS does not publish, a legacy token for a
 * user Auth does not have, alg none, no subject, garbage.
 */
export async function forgedTokens(sub: string): Promise<string[]> {
  const encode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const claims = {
    sub,
    role: "authenticated",
    aud: "authenticated",
    iss: LOCAL_ISSUER,
    app_metadata: { role: "editor" },
  };
  const now = Math.floor(Date.now() / 1000);
  const editor = { appMetadata: { role: "editor" } };
  const outsideKey = {
    ...(await exportJWK((await generateKeyPair("ES256", { extractable: true })).privateKey)),
    kid: LOCAL_SIGNING_KID,
  };
  return [
    await mintAccessToken({ sub, expiresIn: "-1m", ...editor }),
    await mintAccessToken({ sub, alg: "HS256", expiresIn: "-1m", ...editor }),
    await mintAccessToken({ sub, secret: WRONG_KEY, ...editor }),
    await mintAccessToken({ sub, audience: "anon", ...editor }),
    await mintAccessToken({ sub, issuer: "https://another-project.supabase.co/auth/v1", ...editor }),
    await mintAccessToken({ sub, role: "service_role", ...editor }),
    await mintAccessToken({ sub, privateKey: outsideKey, ...editor }),
    // Signed with the project's legacy secret, but Auth has no such user.
    await mintAccessToken({ sub: crypto.randomUUID(), alg: "HS256", ...editor }),
    `${encode({ alg: "none", typ: "JWT" })}.${encode({ ...claims, exp: now + 3600 })}.`,
    await new SignJWT({ role: "service_role" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(
      new TextEncoder().encode(LOCAL_JWT_SECRET),
    ),
    await new SignJWT({ ...claims, sub: "" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(
      new TextEncoder().encode(LOCAL_JWT_SECRET),
    ),
    // Signed by the right key but with HS512: only HS256 is allowed.
    await new SignJWT(claims).setProtectedHeader({ alg: "HS512" }).setExpirationTime("1h").sign(
      new TextEncoder().encode(LOCAL_JWT_SECRET),
    ),
    "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
    "a.b.c",
  ];
}

/** A secret's near misses: each must be refused. */
export function nearMisses(secret: string): string[] {
  return [
    secret.slice(0, -1),
    `${secret}x`,
    secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase(),
    secret.slice(1),
    `${secret}%00`,
    "",
  ];
}

/**
 * Authorization lines that carry no valid credential, whatever valid secrets
 * and tokens the endpoint has (a valid one duplicated is still refused: the
 * server joins the two lines and the result is not one bearer token).
 */
export function badAuthorization(valid: string[], forged: string[]): fc.Arbitrary<string[]> {
  const token = fc.oneof(
    fc.constantFrom(...forged, ...valid.flatMap(nearMisses)),
    fc.string({ maxLength: 80 }).filter((s) => !/[\r\n]/.test(s)),
    // deno-lint-ignore no-control-regex -- keeps out bytes an HTTP header cannot carry
    injection.filter((s) => !/[\r\n\u0000\ud800]/.test(s)),
  );
  const validOne = valid.length ? fc.constantFrom(...valid) : token;
  return fc.oneof(
    fc.constant<string[]>([]),
    token.map((t) => [`Bearer ${t}`]),
    token.map((t) => [`Basic ${Buffer.from(`user:${t}`).toString("base64")}`]),
    validOne.map((t) => [`Token ${t}`]),
    validOne.map((t) => [`Bearer${t}`]),
    validOne.map((t) => [t]),
    fc.tuple(token, validOne).map(([a, b]) => [`Bearer ${a}`, `Bearer ${b}`]),
    fc.tuple(validOne, token).map(([a, b]) => [`Bearer ${a}`, `Bearer ${b}`]),
    validOne.map((t) => [`Bearer ${t}`, `Bearer ${t}`]),
    validOne.map((t) => [`Bearer ${t}, Bearer ${t}`]),
    fc.integer({ min: 9_000, max: 20_000 }).map((n) => [`Bearer ${"x".repeat(n)}`]),
  );
}

/** Header lines that are hostile in themselves: injection, folding, bad names. */
export const hostileHeaders: fc.Arbitrary<[string, string][]> = fc.array(
  fc.oneof(
    fc.tuple(
      fc.constantFrom("X-Note", "X-Forwarded-For", "Content-Type", "Svix-Id", "Prefer"),
      injection.filter((s) => !/[\r\n]/.test(s)),
    ),
    fc.constant<[string, string]>(["X-Note", "a\r\nX-Injected: 1"]),
    fc.constant<[string, string]>(["X-Note", "a\nX-Bare-Lf: 1"]),
    fc.constant<[string, string]>(["X-Note", "folded\r\n continued"]),
    fc.constant<[string, string]>(["Bad Header Name", "x"]),
    fc.constant<[string, string]>(["X-Nul", "a\u0000b"]),
    fc.constant<[string, string]>(["Content-Type", "application/json; charset=utf-16"]),
    fc.constant<[string, string]>(["Content-Type", "text/plain"]),
    fc.constant<[string, string]>(["Content-Encoding", "gzip"]),
  ),
  { maxLength: 2 },
);

const methods = fc.oneof(
  { weight: 6, arbitrary: fc.constant("POST") },
  { weight: 1, arbitrary: fc.constantFrom("GET", "PUT", "PATCH", "DELETE", "OPTIONS") },
);

/**
 * An attempt without a valid credential: any method, any body, any headers.
 * `extraHeaders` are endpoint-specific lines (e.g. a forged signature).
 */
export function unauthenticatedAttempt(options: {
  authorization: fc.Arbitrary<string[]>;
  bodies: fc.Arbitrary<string | Uint8Array>;
  extraHeaders?: fc.Arbitrary<[string, string][]>;
}): fc.Arbitrary<Attempt> {
  return fc
    .record({
      method: methods,
      auth: options.authorization,
      body: options.bodies,
      hostile: hostileHeaders,
      extra: options.extraHeaders ?? fc.constant([]),
      chunked: fc.boolean(),
    })
    .map(({ method, auth, body, hostile, extra, chunked }) => ({
      label: `no valid credential (${auth.length} authorization lines)`,
      method,
      headers: [
        ["Content-Type", "application/json"] as [string, string],
        ...auth.map((a) => ["Authorization", a] as [string, string]),
        ...extra,
        ...hostile,
      ],
      body: typeof body === "string" ? utf8(body) : body,
      chunked,
    }));
}

/**
 * An attempt with a valid credential and a body the endpoint must refuse.
 * Only clean headers: an injected line could end the header block early and
 * turn the refused body into an empty, valid one.
 */
export function authenticatedAttempt(options: {
  headers: fc.Arbitrary<[string, string][]>;
  bodies: fc.Arbitrary<string | Uint8Array>;
  label: string;
}): fc.Arbitrary<Attempt> {
  return fc.record({ headers: options.headers, body: options.bodies, chunked: fc.boolean() }).map((
    { headers, body, chunked },
  ) => ({
    label: options.label,
    method: "POST",
    headers: [["Content-Type", "application/json"] as [string, string], ...headers],
    body: typeof body === "string" ? utf8(body) : body,
    chunked,
  }));
}

/** The body as JSON if it is JSON (as the functions read it: empty means {}), else undefined. */
export function parsedBody(body: string | Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    const text = typeof body === "string" ? body : new TextDecoder("utf-8", { fatal: false }).decode(body);
    return { ok: true, value: text.trim() === "" ? {} : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

// ---------------------------------------------------------------------------
// State and the runner
// ---------------------------------------------------------------------------

/**
 * md5 of every row of every table, and every sequence's position, keyed
 * `schema.name`, in every schema but the system catalogs: public (what users
 * read under RLS), app_private (every other table of the project) and the
 * platform's (auth, supabase_migrations, ...), so a write anywhere shows.
 */
export async function databaseChecksum(sql: Sql): Promise<Record<string, string>> {
  // query_to_xml runs the per-table query; format('%I') quotes the names, so
  // nothing is pasted into SQL text.
  const rows = await sql<{ name: string; digest: string }[]>`
    select format('%s.%s', n.nspname, c.relname) as name,
           md5((query_to_xml(
             case when c.relkind = 'S'
               then format('select last_value, is_called from %I.%I', n.nspname, c.relname)
               else format('select count(*) as n, md5(coalesce(string_agg(t::text, %L order by t::text), %L)) as h from %I.%I t',
                           '|', '', n.nspname, c.relname)
             end, false, false, ''))::text) as digest
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
       and c.relkind in ('r', 'p', 'S')
     order by 1`;
  return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}

/**
 * A body on GET or HEAD: Deno hands the function no body for these methods
 * (the fetch Request has none), so nothing can read and drop it; when the
 * server closes with those bytes unread, its kernel answers with a TCP reset,
 * which may discard the already-sent answer at the client. Such a request
 * never reaches a function's logic, so "no answer" is a refusal too.
 */
export function bodyNeverRead(a: Attempt): boolean {
  return (a.method === "GET" || a.method === "HEAD") && (a.chunked || a.body.byteLength > 0);
}

/** Header lines no conforming HTTP/1.1 parser accepts (RFC 9112 §5). */
export function breaksHttpFraming(a: Attempt): boolean {
  // deno-lint-ignore no-control-regex -- NUL, CR and LF are exactly what breaks a header line
  return a.headers.some(([k, v]) => /[\u0000\n\r]/.test(v) || /[\s:]/.test(k));
}

export interface RefusalRun {
  endpoint: string;
  url: string;
  sql: Sql;
  attempts: fc.Arbitrary<Attempt>;
  /** Batches; each batch's requests are sent at once. */
  numRuns: number;
  batchSize?: number;
  /** State outside the database that must not change either (a simulator's calls). */
  outside?: () => Promise<unknown>;
}

/**
 * Batches per property: `numRuns` inside `npm test`; FUZZ_RUNS (set by
 * `npm run fuzz -- --runs N`, tests/security/run-fuzz.ts) for a longer run.
 */
export function fuzzRuns(numRuns: number): number {
  const override = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(override) && override > 0 ? override : numRuns;
}

/** Runs the property; returns how many requests were sent. */
export async function assertRefusesAll(run: RefusalRun): Promise<number> {
  const before = await databaseChecksum(run.sql);
  const outsideBefore = run.outside ? JSON.stringify(await run.outside()) : undefined;
  let sent = 0;
  const statuses = new Map<number | string, number>();
  await fc.assert(
    fc.asyncProperty(
      fc.array(run.attempts, { minLength: run.batchSize ?? 4, maxLength: run.batchSize ?? 4 }),
      async (batch) => {
        const answers = await Promise.all(batch.map((a) => rawSend(run.url, a)));
        sent += batch.length;
        answers.forEach((answer, i) => {
          statuses.set(answer.status ?? "none", (statuses.get(answer.status ?? "none") ?? 0) + 1);
          const a = batch[i]!;
          // A request that breaks HTTP framing (NUL in a header, obs-fold, a
          // bare LF, a name with a space) may be dropped by Deno's HTTP server
          // without an answer: it never reached the function. Anything else
          // must be answered, with a 4xx.
          const ok = answer.status === null
            ? breaksHttpFraming(a) || bodyNeverRead(a)
            : answer.status >= 400 && answer.status < 500;
          if (!ok) {
            const shown = new TextDecoder().decode(a.body.subarray(0, 300));
            throw new Error(
              `${run.endpoint}: ${a.label}: ${a.method}${a.chunked ? " chunked" : ""} ${a.body.byteLength} bytes ${
                JSON.stringify(shown)
              } ` +
                `headers ${
                  JSON.stringify(a.headers.map(([k, v]) => [k, v.slice(0, 120)]))
                } answered ${answer.status}: ${answer.head}`,
            );
          }
        });
        expect(await databaseChecksum(run.sql), `${run.endpoint}: the database changed`).toEqual(before);
        if (run.outside) {
          expect(JSON.stringify(await run.outside()), `${run.endpoint}: an outside service was called`).toBe(
            outsideBefore,
          );
        }
      },
    ),
    { numRuns: fuzzRuns(run.numRuns), endOnFailure: true },
  );
  const byStatus = [...statuses.entries()].sort().map(([s, n]) => `${s}×${n}`).join(" ");
  console.log(
    `${run.endpoint}: ${sent} malformed or unauthenticated inputs tried, every answer 4xx (${byStatus}), database unchanged`,
  );
  if (process.env.FUZZ_REPORT) {
    appendFileSync(
      process.env.FUZZ_REPORT,
      `${
        JSON.stringify({
          endpoint: run.endpoint,
          sent,
          statuses: Object.fromEntries(statuses),
          outside: run.outside !== undefined,
        })
      }\n`,
    );
  }
  return sent;
}

/** A served function under test, with the state a refused request must leave unchanged. */
export interface ServedStack {
  url: (fn: string) => string;
  sql: Sql;
  /** State outside the database that must not change either (a simulator's calls). */
  outside?: () => Promise<unknown>;
  close: () => unknown;
}

/**
 * The property as a test file states it: starts the stack once for the file,
 * sends `attempts` to `endpoint` in 75 batches of 4 (FUZZ_RUNS for
 * `npm run fuzz`), and checks every answer is a 4xx and nothing changed.
 * `behaviour` names the test; it starts with "refuses every", which is how
 * tests/security/run-fuzz.ts selects these tests.
 */
export function itRefusesAll<S extends ServedStack>(options: {
  endpoint: string;
  stack: () => Promise<S>;
  attempts: (stack: S) => fc.Arbitrary<Attempt> | Promise<fc.Arbitrary<Attempt>>;
  behaviour?: string;
}): void {
  let stack: S | undefined;
  beforeAll(async () => {
    stack = await options.stack();
  });
  afterAll(() => stack?.close());
  it(options.behaviour ?? "refuses every malformed or unauthenticated request, and changes nothing", async () => {
    const served = stack!;
    const sent = await assertRefusesAll({
      endpoint: options.endpoint,
      url: served.url(options.endpoint),
      sql: served.sql,
      attempts: await options.attempts(served),
      numRuns: 75,
      outside: served.outside,
    });
    expect(sent).toBeGreaterThanOrEqual(fuzzRuns(75) * 4);
  });
}
