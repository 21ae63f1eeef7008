// The calendar-sync request, validated before anything reaches the database.
// The table's constraints (migration 20261122001000) say the same things and
// stay the last word; checking here first gives a 400 naming the exact
// element (calendars.17.name) and spares the database a doomed transaction.
import { z } from "zod";

/** The product limit per sync. The SQL function's hard ceiling is 1000. */
export const DEFAULT_MAX_CALENDARS = 500;
export const SQL_MAX_CALENDARS = 1000;
/** Compact JSON bytes. The table allows 8192 of Postgres's roomier rendering. */
export const MAX_SETTINGS_BYTES = 4096;

const utf8Length = (s: string) => new TextEncoder().encode(s).byteLength;

// Postgres text and jsonb cannot hold U+0000: without this check such a
// request would reach the database and fail there without naming the field.
const NUL = "\u0000";
const text = (max: number) =>
  z.string().min(1, "must not be empty").max(max).refine((s) => !s.includes(NUL), {
    message: "must not contain NUL (U+0000)",
  });

export const calendarSchema = z
  .object({
    calendar_id: text(255),
    name: text(255),
    color: text(32).nullable().optional(),
    is_primary: z.boolean(),
    // Absent (or null) means "keep what the user has"; an object replaces it.
    settings: z
      .record(z.string(), z.unknown())
      .nullable()
      .optional()
      .refine((s) => s == null || utf8Length(JSON.stringify(s)) <= MAX_SETTINGS_BYTES, {
        message: `must be at most ${MAX_SETTINGS_BYTES} bytes of JSON`,
      })
      .refine((s) => s == null || !JSON.stringify(s).includes("\\u0000"), { message: "must not contain NUL (U+0000)" }),
  })
  .strict();

export function syncRequestSchema(maxCalendars = DEFAULT_MAX_CALENDARS) {
  return z
    .object({
      calendars: z
        .array(calendarSchema)
        .max(maxCalendars, `at most ${maxCalendars} calendars per sync`)
        .superRefine((calendars, ctx) => {
          // Two elements for one calendar would make the outcome depend on
          // the order they are applied in: refuse rather than guess.
          const seen = new Map<string, number>();
          calendars.forEach((c, i) => {
            const first = seen.get(c.calendar_id);
            if (first === undefined) seen.set(c.calendar_id, i);
            else {ctx.addIssue({
                code: "custom",
                path: [i, "calendar_id"],
                message: `duplicate of calendars.${first}.calendar_id`,
              });}
          });
        }),
      expected_revision: z.number().int().min(0).optional(),
    })
    .strict();
}

export type SyncRequest = z.infer<ReturnType<typeof syncRequestSchema>>;

/** Bytes a request may carry: every calendar at its largest, plus JSON punctuation. */
export function maxBodyBytes(maxCalendars: number): number {
  return 1024 + maxCalendars * (255 * 4 * 2 + 32 * 4 + MAX_SETTINGS_BYTES + 128);
}
