// Db over a direct Postgres connection (postgres.js): the local stack and tests.
import type { Sql } from "postgres";
import { AppError, DbUnavailableError } from "../errors.ts";
import type { Db } from "../ports.ts";
import { fromSqlError } from "./errors.ts";

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Arguments travel as untyped text (postgres.js sends strings and numbers with
 * type oid 0), so Postgres resolves each one against the function's declared
 * parameter type, as PostgREST does. Objects and arrays go as JSON: every
 * structured parameter of ours is jsonb.
 */
function asParameter(value: unknown): string | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

export function fromPostgres(sql: Sql): Db {
  return {
    async rpc<T>(fn: string, args: Record<string, unknown> = {}): Promise<T> {
      const names = Object.keys(args);
      for (const name of [fn, ...names]) {
        if (!IDENTIFIER.test(name)) throw new AppError(`not a function or argument name: ${name}`);
      }
      // Names are checked identifiers; values are bound parameters.
      const call = `select public.${fn}(${names.map((n, i) => `${n} => $${i + 1}`).join(", ")}) as result`;
      try {
        const rows = await sql.unsafe(call, names.map((n) => asParameter(args[n])) as never[]);
        return (rows[0]?.result ?? null) as T;
      } catch (e) {
        if (e instanceof AppError) throw e;
        const pgError = e as { name?: string; code?: string; message?: string; detail?: string; hint?: string };
        if (pgError?.name === "PostgresError") {
          throw fromSqlError(fn, { code: pgError.code, message: pgError.message, details: pgError.detail, hint: pgError.hint });
        }
        throw new DbUnavailableError(`${fn}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
    },
  };
}
