// A stand-in for PostgREST's RPC endpoint over the real database, so the
// `rest` Db adapter is tested through supabase-js itself. It reproduces the
// parts of PostgREST's contract the adapter depends on:
//   - POST /rest/v1/rpc/<fn> with named arguments as a JSON object;
//   - each request is its own transaction on a pooled connection, run as the
//     role in the bearer JWT with request.jwt.claims set (so a session-level
//     advisory lock taken in one call is NOT held by the next: the reason the
//     project uses lease rows);
//   - errors as { code, message, details, hint } with PostgREST's status
//     mapping, custom SQLSTATE PTxxx answered with HTTP status xxx.
// See https://docs.postgrest.org/en/stable/references/errors.html
import { createServer, type Server } from "node:http";
import { jwtVerify } from "jose";
import postgres from "postgres";

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export function postgrestStatus(code: string, role: string): number {
  if (/^PT\d\d\d$/.test(code)) return Number(code.slice(2));
  if (code === "23505" || code === "23503" || code === "40001") return 409;
  if (code === "42501") return role === "anon" ? 401 : 403;
  if (code === "42883" || code === "42P01") return 404;
  if (code.startsWith("22") || code.startsWith("23") || code === "P0001") return 400;
  if (code.startsWith("08") || code === "53300" || code === "57P01") return 503;
  return 500;
}

export async function startPostgrest(options: { databaseUrl: string; jwtSecret: string; poolSize?: number }) {
  const sql = postgres(options.databaseUrl, { max: options.poolSize ?? 4, onnotice: () => {} });
  const key = new TextEncoder().encode(options.jwtSecret);

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    const match = /^\/rest\/v1\/rpc\/([^/?]+)/.exec(req.url ?? "");
    if (!match || req.method !== "POST") {
      return send(404, {
        code: "PGRST125",
        message: "Invalid path specified in request URL",
        details: null,
        hint: null,
      });
    }
    const fn = match[1]!;

    let claims: Record<string, unknown> = { role: "anon" };
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (bearer) {
      try {
        claims = (await jwtVerify(bearer, key)).payload as Record<string, unknown>;
      } catch (e) {
        return send(401, { code: "PGRST301", message: (e as Error).message, details: null, hint: null });
      }
    }
    const role = String(claims.role ?? "anon");

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let args: Record<string, unknown>;
    try {
      args = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    } catch {
      return send(400, { code: "PGRST102", message: "Empty or invalid json", details: null, hint: null });
    }
    const names = Object.keys(args);
    if (!IDENTIFIER.test(fn) || !names.every((n) => IDENTIFIER.test(n))) {
      return send(404, {
        code: "PGRST202",
        message: `Could not find the function public.${fn}`,
        details: null,
        hint: null,
      });
    }

    try {
      const result = await sql.begin(async (tx) => {
        await tx`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${
          JSON.stringify(claims)
        }, true)`;
        const call = `select public.${fn}(${names.map((n, i) => `${n} => $${i + 1}`).join(", ")}) as result`;
        const rows = await tx.unsafe(
          call,
          names.map((n) => {
            const v = args[n];
            return v !== null && typeof v === "object" ? tx.json(v as never) : v;
          }) as never[],
        );
        return rows[0]?.result ?? null;
      });
      send(200, result);
    } catch (e) {
      const pg = e as { code?: string; message?: string; detail?: string; hint?: string };
      const code = pg.code ?? "XX000";
      send(postgrestStatus(code, role), {
        code,
        message: pg.message ?? "error",
        details: pg.detail ?? null,
        hint: pg.hint ?? null,
      });
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql.end({ timeout: 5 });
    },
  };
}
