// Runners: scheduler and reconcile cores in loops, in-process, each over its
// own postgres.js pool and ports wrapped so the chaos can kill the runner
// (every port call rejects at once, like a dead process, and its connections
// are dropped), stall its database calls past the lease TTL (a paused
// process), or terminate its backends (a dropped connection).
import { randomUUID } from "node:crypto";
import postgres, { type Sql } from "postgres";
import { fromPostgres } from "../../src/shared/db/direct.ts";
import { LeaseLostError, LockedError } from "../../src/shared/errors.ts";
import { runBrazeReconcile } from "../../src/shared/jobs/braze-reconcile/run.ts";
import type { ReconcileSettings } from "../../src/shared/jobs/braze-reconcile/settings.ts";
import { runBrazeScheduler } from "../../src/shared/jobs/braze-scheduler/run.ts";
import type { SchedulerSettings } from "../../src/shared/jobs/braze-scheduler/settings.ts";
import type { Braze, Db, FootballData } from "../../src/shared/ports.ts";
import { systemClock } from "../../src/shared/ports.ts";
import { sleep, type Tally } from "./prng.ts";

export class Killed extends Error {}

/** Where a runner's calls go and how the chaos reaches into them. */
export class RunnerLife {
  killed = false;
  stallUntil = 0;
  stallMs = 0;
  private onKill: (() => void)[] = [];
  kill(): void {
    this.killed = true;
    for (const f of this.onKill.splice(0)) f();
  }
  /** Runs one port call, unless the runner is dead; a kill mid-call rejects it at once. */
  async guard<T>(call: () => Promise<T>, background: Set<Promise<unknown>>): Promise<T> {
    if (Date.now() < this.stallUntil) await sleep(this.stallMs);
    if (this.killed) throw new Killed("runner killed");
    const inner = call();
    // The call itself goes on after a kill (a request already sent is not
    // unsent); the harness waits for these before judging the end state.
    const tracked = inner.catch(() => {});
    background.add(tracked);
    void tracked.finally(() => background.delete(tracked));
    return await new Promise<T>((resolve, reject) => {
      this.onKill.push(() => reject(new Killed("runner killed mid-call")));
      inner.then(resolve, reject);
    });
  }
}

export interface RunnerEnv {
  databaseUrl: string;
  braze: Braze;
  football: FootballData;
  scheduler: SchedulerSettings;
  reconcile: ReconcileSettings;
  tally: Tally;
  /** Every outside call still in flight, from live and killed runners alike. */
  background: Set<Promise<unknown>>;
  log: (line: string) => void;
}

export class Runner {
  life = new RunnerLife();
  sql: Sql | null = null;
  busy = false;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(readonly name: string, readonly kind: "scheduler" | "reconcile", private readonly env: RunnerEnv) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.sql?.end({ timeout: 1 }).catch(() => {});
  }

  /** The process dies: its calls reject now and its connections are cut. */
  kill(): void {
    this.life.kill();
    const sql = this.sql;
    this.sql = null;
    void sql?.end({ timeout: 0 }).catch(() => {});
  }

  private connect(): Sql {
    this.sql ??= postgres(this.env.databaseUrl, { max: 3, onnotice: () => {}, connection: { application_name: `chaos-${this.name}` } });
    return this.sql;
  }

  private async run(): Promise<void> {
    const { tally } = this.env;
    while (!this.stopped) {
      if (this.life.killed) {
        await sleep(200); // the process restarts
        this.life = new RunnerLife();
      }
      const life = this.life;
      const bg = this.env.background;
      const inner = fromPostgres(this.connect());
      const db: Db = { rpc: (fn, args) => life.guard(() => inner.rpc(fn, args), bg) };
      const b = this.env.braze;
      const braze: Braze = {
        createSchedule: (i) => life.guard(() => b.createSchedule(i), bg),
        updateSchedule: (i) => life.guard(() => b.updateSchedule(i), bg),
        deleteSchedule: (i) => life.guard(() => b.deleteSchedule(i), bg),
        listSchedules: (q) => life.guard(() => b.listSchedules!(q), bg),
      };
      const football: FootballData = { listMatches: (q) => life.guard(() => this.env.football.listMatches(q), bg) };
      const ports = { db, braze, football, clock: systemClock, newId: randomUUID };
      const holder = `${this.name}-${randomUUID().slice(0, 8)}`;
      this.busy = true;
      try {
        if (this.kind === "scheduler") await runBrazeScheduler(ports, this.env.scheduler, holder);
        else await runBrazeReconcile(ports, this.env.reconcile, holder);
        tally.add(`${this.kind}:completed`);
      } catch (e) {
        const outcome = outcomeOf(e, life);
        tally.add(`${this.kind}:${outcome}`);
        if (outcome.startsWith("failed")) this.env.log(`${this.name} ${outcome}: ${(e as Error)?.message ?? String(e)}`);
      } finally {
        this.busy = false;
      }
      await sleep(Math.floor(Math.random() * 150));
    }
  }
}

function outcomeOf(e: unknown, life: RunnerLife): string {
  if (life.killed || e instanceof Killed) return "killed";
  if (e instanceof LockedError) return "locked";
  if (e instanceof LeaseLostError || (e as { kind?: string })?.kind === "lease_lost") return "lease_lost";
  return `failed:${(e as { kind?: string })?.kind ?? (e as Error)?.name ?? "unknown"}`;
}
