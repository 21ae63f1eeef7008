// calendar-sync's core: who is calling (from the verified access token), then
// one RPC that replaces their calendars in one transaction. There is nothing
// to sequence on this side on purpose: a delete-then-insert in two requests was
// two requests, and any failure between them lost the user's calendars.
import { calendars, type SyncResult } from "../../data/calendars.ts";
import { UnauthorizedError } from "../../errors.ts";
import type { AccessTokenClaims, TokenVerifier } from "../../http/auth.ts";
import type { Db } from "../../ports.ts";
import type { SyncRequest } from "./schema.ts";

export interface CalendarSyncPorts {
  db: Db;
}

export type { SyncResult };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The signed-in user a request acts for. Only a user access token will do
 * (role "authenticated", a uuid subject): the anon key and the service-role
 * key are JWTs too, but they name no user, and a token with someone else's
 * subject is refused by its signature before we get here.
 */
export async function authenticateUser(verifyToken: TokenVerifier, token: string | null): Promise<string> {
  if (!token) throw new UnauthorizedError("a user access token is required: Authorization: Bearer <access token>");
  return userIdOf(await verifyToken(token));
}

/** The user id in verified claims (see authenticateUser for why each check). */
export function userIdOf(claims: AccessTokenClaims): string {
  if (claims.role !== "authenticated") {
    throw new UnauthorizedError("not a user access token (role must be authenticated)");
  }
  if (!UUID.test(claims.sub)) throw new UnauthorizedError("the access token's subject is not a user id");
  return claims.sub.toLowerCase();
}

/**
 * Replaces the user's calendars with `request.calendars`, atomically. A stale
 * expected_revision raises ConflictError (409) and changes nothing.
 */
export function syncCalendars(db: Db, userId: string, request: SyncRequest): Promise<SyncResult> {
  return calendars(db).sync({ userId, calendars: request.calendars, expectedRevision: request.expected_revision });
}
