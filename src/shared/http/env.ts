// Environment for edge functions: read once, validated with zod, so a missing
// or malformed secret is a clear configuration error naming the variable
// instead of an empty string that fails somewhere far away.
import { z } from "zod";
import { ConfigError } from "../errors.ts";

declare const Deno: { env: { toObject(): Record<string, string> } } | undefined;

export function processEnv(): Record<string, string | undefined> {
  if (typeof Deno !== "undefined") return Deno.env.toObject();
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
}

export function loadEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined> = processEnv()): z.infer<S> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const names = [...new Set(result.error.issues.map((i) => i.path.join(".")))].join(", ");
    throw new ConfigError(`environment is missing or invalid: ${names}`);
  }
  return result.data;
}

/** A comma-separated list variable. */
export const csv = z
  .string()
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean));
