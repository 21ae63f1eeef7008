// One mapping from a SQL error to a typed error, used by both Db adapters so
// that a core sees the same error whether it talks to PostgREST or directly.
import {
  AppError,
  ConflictError,
  DbUnavailableError,
  ForbiddenError,
  InvalidInputError,
  LeaseLostError,
  NotFoundError,
} from "../errors.ts";

/** The fields PostgREST returns for a failed request, and postgres.js exposes on PostgresError. */
export interface SqlErrorFields {
  code?: string;
  message?: string;
  details?: string | null;
  hint?: string | null;
}

export function fromSqlError(fn: string, e: SqlErrorFields): AppError {
  const code = e.code ?? "";
  const message = e.message ?? `${fn} failed`;
  // Our functions put a machine-readable kind in HINT (see the leases migration).
  switch (e.hint) {
    case "lease_lost":
      return new LeaseLostError(message);
    case "conflict":
      return new ConflictError(message, e.details ?? undefined);
    case "invalid_input":
      return new InvalidInputError(message);
    case "not_found":
      return new NotFoundError(message);
    case "forbidden":
      return new ForbiddenError(message);
  }
  if (code === "23505" || code === "40001" || code === "40P01") {
    return new ConflictError(message, e.details ?? undefined);
  }
  if (/^PT4\d\d$/.test(code) || code.startsWith("22") || code.startsWith("23")) {
    return new InvalidInputError(message);
  }
  if (code === "42501") return new ForbiddenError(message);
  return new DbUnavailableError(`${fn}: ${message}${code ? ` (${code})` : ""}`);
}
