// Db over a direct Postgres connection (postgres.js): the local stack and tests.
import type { Sql } from "postgres";
import { AppError, DbUnavailableError } from "../errors.ts";
import type { Db } from "../ports.ts";
import { fromSqlError } from "./errors.ts";

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * postgres.js describes the statement first and serializes each argument by
 * the parameter type Postgres reports (jsonb via JSON.stringify, and so on),
 * which is how PostgREST, too, reads named arguments against the function's
 * declared types. Arrays are wrapped so they are not mistaken for Postgres
 * arrays: every structured parameter of ours is jsonb.
 */
function asParameter(sql: Sql, value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value) || (value !== null && typeof value === "object" && !(value instanceof Date))) {
    return sql.json(value as never);
  }
  return value;
}

/**
 * `schema` is where the called functions live: public, the entry points the
 * functions call (as PostgREST would). Only tests of the internal helpers pass
 * app_private, which PostgREST does not expose.
 */
export function fromPostgres(sql: Sql, options: { schema?: "public" | "app_private" } = {}): Db {
  const schema = options.schema ?? "public";
  return {
    async rpc<T>(fn: string, args: Record<string, unknown> = {}): Promise<T> {
      const names = Object.keys(args);
      for (const name of [fn, ...names]) {
        if (!IDENTIFIER.test(name)) throw new AppError(`not a function or argument name: ${name}`);
      }
      // Names are checked identifiers; values are bound parameters.
      const call = `select ${schema}.${fn}(${names.map((n, i) => `${n} => $${i + 1}`).join(", ")}) as result`;
      try {
        const rows = await sql.unsafe(call, names.map((n) => asParameter(sql, args[n])) as never[]);
        return (rows[0]?.result ?? null) as T;
      } catch (e) {
        if (e instanceof AppError) throw e;
        const pgError = e as { name?: string; code?: string; message?: string; detail?: string; hint?: string };
        if (pgError?.name === "PostgresError") {
          throw fromSqlError(fn, {
            code: pgError.code,
            message: pgError.message,
            details: pgError.detail,
            hint: pgError.hint,
          });
        }
        throw new DbUnavailableError(`${fn}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
    },
  };
}
