// Typed errors shared by every job. Each one names a failure a caller can act
// on; src/shared/http/respond.ts maps them to HTTP status in one place.

export class AppError extends Error {
  readonly kind: string = "internal";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request itself is wrong; nothing was changed. */
export class InvalidInputError extends AppError {
  override readonly kind = "invalid_input";
  constructor(message: string, readonly issues: unknown[] = []) {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  override readonly kind = "unauthorized";
}

export class ForbiddenError extends AppError {
  override readonly kind = "forbidden";
}

export class NotFoundError extends AppError {
  override readonly kind = "not_found";
}

/** A compare-and-set lost, or a unique constraint said no: someone else got there first. */
export class ConflictError extends AppError {
  override readonly kind = "conflict";
  constructor(message: string, readonly details?: unknown) {
    super(message);
  }
}

/** Another holder has the job's lease right now. */
export class LockedError extends AppError {
  override readonly kind = "locked";
}

/** Our fencing token is no longer the live lease: a newer run owns the job. */
export class LeaseLostError extends AppError {
  override readonly kind = "lease_lost";
}

/**
 * An outside service failed. `outcome` says whether the call certainly did not
 * take effect ("rejected") or may have ("unknown": a timeout or a reset after
 * the request was sent, a 5xx from a write). Unknown outcomes must never be
 * blindly retried by the caller.
 */
export class UpstreamError extends AppError {
  override readonly kind = "upstream";
  constructor(
    message: string,
    readonly service: string,
    readonly outcome: "rejected" | "unknown",
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The database could not be reached or failed in a way that is not the caller's fault. */
export class DbUnavailableError extends AppError {
  override readonly kind = "db_unavailable";
}

export class ConfigError extends AppError {
  override readonly kind = "config";
}
