// Request bodies: bounded, JSON, validated with zod. Every failure is a 4xx
// that names the offending field, raised before anything is changed.
import { z } from "zod";
import { InvalidInputError } from "../errors.ts";
import { PayloadTooLargeError } from "./respond.ts";

/**
 * How much of a refused body is read and dropped before the connection is
 * given up. Deno's HTTP server (2.1, the hosted runtime's) drops the
 * connection without sending the answer when a handler answers while the
 * client is still sending the body, so the caller would see no 413 at all.
 */
export const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/** Reads and drops the rest of a body (up to DRAIN_LIMIT_BYTES in all), then lets it go. */
export async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead = 0): Promise<void> {
  let size = alreadyRead;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > DRAIN_LIMIT_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The body is unreadable (a broken chunk, a reset): nothing left to drop.
  }
}

export async function readBody(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    throw new PayloadTooLargeError(`body is ${declared} bytes; at most ${maxBytes} are accepted`);
  }
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await drain(reader, size);
      throw new PayloadTooLargeError(`body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join(".") || "(body)", message: issue.message }));
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = "body"): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = describeIssues(result.error);
    const first = issues[0];
    throw new InvalidInputError(`invalid ${what}: ${first ? `${first.path}: ${first.message}` : "rejected"}`, issues);
  }
  return result.data;
}

export function parseJsonText<S extends z.ZodType>(schema: S, text: string): z.infer<S> {
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new InvalidInputError("body is not valid JSON");
  }
  return parseWith(schema, value);
}

export async function parseJson<S extends z.ZodType>(
  req: Request,
  schema: S,
  maxBytes = 64 * 1024,
): Promise<z.infer<S>> {
  return parseJsonText(schema, await readBody(req, maxBytes));
}
