// Db over PostgREST (supabase-js .rpc): what a deployed edge function uses.
import type { SupabaseClient } from "@supabase/supabase-js";
import { DbUnavailableError } from "../errors.ts";
import type { Db } from "../ports.ts";
import { fromSqlError } from "./errors.ts";

export function fromSupabase(client: SupabaseClient): Db {
  return {
    async rpc<T>(fn: string, args: Record<string, unknown> = {}): Promise<T> {
      const { data, error } = await client.rpc(fn, args);
      if (error) {
        // supabase-js reports a network failure as an error without a SQLSTATE.
        if (!error.code) throw new DbUnavailableError(`${fn}: ${error.message}`);
        throw fromSqlError(fn, error);
      }
      return data as T;
    },
  };
}
