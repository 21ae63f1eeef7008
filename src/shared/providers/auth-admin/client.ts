// Supabase Auth's admin API through supabase-js `auth.admin` (service role):
// read a user, ban or unban one (updateUserById with ban_duration), delete one.
// https://supabase.com/docs/reference/javascript/auth-admin-updateuserbyid
// https://supabase.com/docs/reference/javascript/auth-admin-deleteuser
//
// supabase-js has no request timeout of its own, so a fetch with one is passed
// in; a write whose answer never came is reported as outcome "unknown".
import { createClient } from "@supabase/supabase-js";
import { UpstreamError } from "../../errors.ts";
import type { AuthAdmin } from "../../ports.ts";

export type { AuthAdmin };

export interface AuthAdminOptions {
  /** The project URL (https://<ref>.supabase.co); supabase-js appends /auth/v1. */
  url: string;
  serviceRoleKey: string;
  timeoutMs?: number;
}

const SERVICE = "supabase-auth";

interface AuthErrorLike {
  message: string;
  status?: number;
  code?: string;
}

export function createAuthAdmin(options: AuthAdminOptions): AuthAdmin {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = createClient(options.url, options.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }) },
  });
  const admin = client.auth.admin;

  const notFound = (e: AuthErrorLike | null) => e !== null && (e.status === 404 || e.code === "user_not_found");
  const fail = (what: string, e: AuthErrorLike, write: boolean): UpstreamError => {
    const status = e.status ?? 0;
    // 0: no answer (timeout, reset); 5xx: the server may have applied it.
    const outcome = write && (status === 0 || status >= 500) ? "unknown" : "rejected";
    return new UpstreamError(
      `auth admin ${what} failed (${status || "no answer"}): ${e.message}`,
      SERVICE,
      outcome,
      status || undefined,
    );
  };

  return {
    async getUser(userId) {
      const { data, error } = await admin.getUserById(userId);
      if (notFound(error)) return null;
      if (error) throw fail("get user", error, false);
      return { id: data.user.id, email: data.user.email ?? null };
    },
    async ban(userId, duration) {
      const { error } = await admin.updateUserById(userId, { ban_duration: duration });
      if (notFound(error)) return false;
      if (error) throw fail("ban", error, true);
      return true;
    },
    async unban(userId) {
      const { error } = await admin.updateUserById(userId, { ban_duration: "none" });
      if (error && !notFound(error)) throw fail("unban", error, true);
    },
    async deleteUser(userId) {
      const { error } = await admin.deleteUser(userId);
      if (error && !notFound(error)) throw fail("delete user", error, true);
    },
  };
}
