// `npm run bench -- calendar [--iterations N]`
//
// Replacing 1,000 calendars of one user (half kept as they are, a quarter
// changed, a quarter new, so a quarter deleted), in one run against one
// throwaway embedded Postgres:
//   - through the served calendar-sync function (HTTP, token check, zod, one RPC);
//   - through the sync_managed_calendars RPC alone;
//   - the naive pattern's two calls: delete all of the user's rows, then insert the new
//     set (one bulk INSERT, as supabase-js .insert(array) sends it).
// Each timed sync starts from a freshly seeded user, so every one does the
// same work. A second table shows what each leaves behind when the new set
// has one row the table refuses.
import postgres, { type Sql } from "postgres";
import { mintAccessToken } from "../dev/mint-token.ts";
import { fromPostgres } from "../src/shared/db/direct.ts";
import { countingDb } from "./support/counting-db.ts";
import { startBenchStack } from "./support/stack.ts";
import { formatTable as table } from "./support/table.ts";

const CALENDARS = 1000;

interface Calendar {
  calendar_id: string;
  name: string;
  color: string;
  is_primary: boolean;
  settings?: Record<string, unknown>;
}

interface Variant {
  name: string;
  /** Database round trips this variant makes per sync, counted as it runs. */
  roundTrips: number;
  replace(user: string, calendars: Calendar[]): Promise<void>;
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** What the user has: 1,000 calendars, each with the user's own settings. */
function initialSet(): Calendar[] {
  return Array.from({ length: CALENDARS }, (_, i) => ({
    calendar_id: `cal-${i}`,
    name: `Calendar ${i}`,
    color: "#3366ff",
    is_primary: i === 0,
    settings: { reminder_minutes: i % 60, hidden: i % 7 === 0 },
  }));
}

/** What the client sends: 500 kept, 250 renamed, 250 new (so 250 dropped); no settings. */
function nextSet(): Calendar[] {
  const kept = initialSet().slice(0, 500).map(({ settings: _s, ...c }) => c);
  const changed = initialSet().slice(500, 750).map(({ settings: _s, ...c }) => ({ ...c, name: `${c.name} (renamed)` }));
  const added = Array.from(
    { length: 250 },
    (_, i) => ({ calendar_id: `new-${i}`, name: `New ${i}`, color: "#22aa44", is_primary: false }),
  );
  return [...kept, ...changed, ...added];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;

async function keptSettings(sql: Sql, user: string): Promise<number> {
  const [row] = await sql`
    select count(*)::int as n from public.managed_calendars
     where user_id = ${user} and settings ? 'reminder_minutes'`;
  return row!.n as number;
}

async function storedCount(sql: Sql, user: string): Promise<number> {
  const [row] = await sql`select count(*)::int as n from public.managed_calendars where user_id = ${user}`;
  return row!.n as number;
}

export async function main(args: string[] = []): Promise<void> {
  const iterations = option(args, "iterations", 30);
  const undo: (() => Promise<unknown>)[] = [];
  try {
    const stack = await startBenchStack({
      label: "bench-calendar",
      // The product limit is 500 per sync; the benchmark's 1,000 needs the SQL ceiling.
      functionEnv: { CALENDAR_SYNC_MAX_CALENDARS: String(CALENDARS) },
    });
    undo.push(() => stack.close());
    const sql = postgres(stack.databaseUrl, { max: 4, onnotice: () => {} });
    undo.push(() => sql.end({ timeout: 5 }));
    const db = fromPostgres(sql);
    const counted = countingDb(db);

    const seed = (user: string) => db.rpc("sync_managed_calendars", { p_user_id: user, p_calendars: initialSet() });

    let rpcTrips = 0;
    let naiveTrips = 0;
    const variants: Variant[] = [
      {
        name: "calendar-sync function (HTTP)",
        roundTrips: 1, // the function's core makes exactly the one RPC below
        async replace(user, calendars) {
          const token = await mintAccessToken({ sub: user });
          const res = await fetch(stack.functionUrl("calendar-sync"), {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ calendars }),
          });
          const body = await res.text();
          if (res.status !== 200) {
            throw Object.assign(new Error(`calendar-sync answered ${res.status}: ${body}`), { status: res.status });
          }
        },
      },
      {
        name: "sync_managed_calendars RPC",
        get roundTrips() {
          return rpcTrips;
        },
        async replace(user, calendars) {
          await counted.rpc("sync_managed_calendars", {
            p_user_id: user,
            p_calendars: calendars,
          });
        },
      },
      {
        name: "seed: delete, then insert",
        get roundTrips() {
          return naiveTrips;
        },
        async replace(user, calendars) {
          naiveTrips++;
          await sql`delete from public.managed_calendars where user_id = ${user}`;
          naiveTrips++;
          await sql`
            insert into public.managed_calendars (user_id, calendar_id, name, color, is_primary, settings)
            select ${user}, c.calendar_id, c.name, c.color, c.is_primary, coalesce(c.settings, '{}'::jsonb)
              from jsonb_to_recordset(${sql.json(calendars as never)}) as c(
                calendar_id text, name text, color text, is_primary boolean, settings jsonb)`;
        },
      },
    ];

    // Timed: every sync from a freshly seeded user, variants interleaved so
    // that drift (autovacuum, caches) hits them alike. Three warm-up rounds.
    const target = nextSet();
    const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    const settingsKept = new Map<string, number>();
    for (let round = -3; round < iterations; round++) {
      for (const variant of variants) {
        const user = crypto.randomUUID();
        await seed(user);
        const started = performance.now();
        await variant.replace(user, target);
        const ms = performance.now() - started;
        if (round < 0) continue;
        samples.get(variant.name)!.push(ms);
        if ((await storedCount(sql, user)) !== CALENDARS) {
          throw new Error(`${variant.name} left the wrong number of calendars`);
        }
        settingsKept.set(variant.name, await keptSettings(sql, user));
      }
    }
    rpcTrips = counted.calls / (iterations + 3);
    naiveTrips /= iterations + 3;

    const rpcMedian = median(samples.get(variants[1]!.name)!);
    const naiveMedian = median(samples.get(variants[2]!.name)!);
    console.log(
      `\nReplace ${CALENDARS} calendars of one user (500 kept, 250 changed, 250 new, 250 deleted); ${iterations} syncs each\n`,
    );
    console.log(
      table(
        [
          "variant",
          "median ms",
          "p90 ms",
          "÷ RPC median",
          "÷ seed median",
          "DB round trips / sync",
          "kept calendars still with their settings",
        ],
        variants.map((v) => {
          const xs = samples.get(v.name)!;
          return [
            v.name,
            median(xs).toFixed(1),
            p90(xs).toFixed(1),
            (median(xs) / rpcMedian).toFixed(2),
            (median(xs) / naiveMedian).toFixed(2),
            String(v.roundTrips),
            `${settingsKept.get(v.name)} / 750`,
          ];
        }),
      ),
    );

    console.log(
      "\nOn a hosted project each round trip also pays the network (PostgREST or the pooler): the naive pattern's second call adds one RTT per sync.",
    );

    // Failure: the new set's 901st calendar is one the table refuses.
    const broken = nextSet();
    broken[900] = { ...broken[900]!, name: "x".repeat(300) };
    const failures = [];
    for (const variant of variants) {
      const user = crypto.randomUUID();
      await seed(user);
      let outcome = "succeeded";
      try {
        await variant.replace(user, broken);
      } catch (e) {
        const status = (e as { status?: number }).status;
        outcome = status ? `HTTP ${status}` : `error ${(e as { code?: string }).code ?? (e as Error).name}`;
      }
      failures.push([
        variant.name,
        outcome,
        `${await storedCount(sql, user)} / ${CALENDARS}`,
        `${await keptSettings(sql, user)} / ${CALENDARS}`,
      ]);
    }
    console.log(`\nThe same sync with one calendar the table refuses (a 300-character name at position 901)\n`);
    console.log(table(["variant", "outcome", "calendars left", "with their settings"], failures));
    console.log("");
  } finally {
    for (const step of undo.reverse()) await step().catch((e) => console.error(`cleanup: ${(e as Error).message}`));
  }
}
