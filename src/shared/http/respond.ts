// The one place typed errors become HTTP responses.
import { AppError, ConflictError, InvalidInputError, UpstreamError } from "../errors.ts";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

const STATUS: Record<string, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  locked: 409,
  lease_lost: 409,
  payload_too_large: 413,
  upstream: 502,
  db_unavailable: 503,
  config: 500,
  internal: 500,
};

export function errorResponse(error: unknown, log: (line: string) => void = console.error): Response {
  if (!(error instanceof AppError)) {
    log(`unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    return json(500, { error: "internal", message: "internal error" });
  }
  const status = STATUS[error.kind] ?? 500;
  if (status >= 500) log(`${error.kind}: ${error.message}`);
  const body: Record<string, unknown> = { error: error.kind, message: error.message };
  if (error instanceof InvalidInputError && error.issues.length) body.issues = error.issues;
  if (error instanceof ConflictError && error.details !== undefined) body.details = error.details;
  if (error instanceof UpstreamError) body.service = error.service;
  if (error.kind === "locked") body.outcome = "locked";
  // Configuration errors say which variable is wrong, never its value.
  if (error.kind === "internal") body.message = "internal error";
  return json(status, body);
}

export class MethodNotAllowedError extends AppError {
  override readonly kind = "method_not_allowed";
}

export class PayloadTooLargeError extends AppError {
  override readonly kind = "payload_too_large";
}
