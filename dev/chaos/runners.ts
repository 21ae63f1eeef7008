// The parent's side of a chaos runner: spawns runner-process.ts, restarts it
// after a kill, and watches its heartbeat. A runner whose event loop stops
// answering for HUNG_AFTER_MS is a finding (a run that can never finish and
// never release its lease), recorded and then killed so the chaos goes on.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ReconcileSettings } from "../../src/shared/jobs/braze-reconcile/settings.ts";
import type { SchedulerSettings } from "../../src/shared/jobs/braze-scheduler/settings.ts";
import type { BrazeClientOptions } from "../../src/shared/providers/braze/client.ts";
import type { DeepLClientOptions } from "../../src/shared/providers/deepl/client.ts";
import type { FootballDataClientOptions } from "../../src/shared/providers/football-data/client.ts";
import { repoRoot } from "../postgres.ts";
import { sleep, type Tally } from "./prng.ts";

export interface RunnerConfig {
  name: string;
  kind: "scheduler" | "reconcile";
  databaseUrl: string;
  braze: BrazeClientOptions;
  football: FootballDataClientOptions;
  scheduler: SchedulerSettings;
  reconcile: ReconcileSettings;
  /** false: production (ledger-only) mode, the Braze port cannot list. Absent: listing. */
  listing?: boolean;
  /** The translator, when the scheduler carries names in more than one locale. */
  translator?: DeepLClientOptions;
}

export type ParentMessage =
  | { type: "stop" }
  | { type: "stall"; forMs: number; delayMs: number }
  | { type: "faults"; latencyMs: number; lag: number }
  /** The run's next lease renewal fails once (a network blip), and only that one. */
  | { type: "failRenewal" };

export interface RunnerHooks {
  runs: Tally;
  /** Each completed run's counts, summed by name and job kind ("reconcile:retried"). */
  counts?: Tally;
  faults: Tally;
  log: (line: string) => void;
  /** The runner's event loop stopped answering mid-run. */
  onHung: (name: string, detail: string) => void;
}

const HUNG_AFTER_MS = 10_000;
/**
 * A fresh process first loads tsx and compiles the cores: on a loaded 2-core
 * machine that took over a minute. Silence before its first message is
 * start-up, not a hang.
 */
const STARTUP_MS = 120_000;
const script = fileURLToPath(new URL("./runner-process.ts", import.meta.url));

export class Runner {
  busy = false;
  holder = "";
  private child: ChildProcess | null = null;
  private lastSeen = Date.now();
  private events: string[] = [];
  private runStartedAt = 0;
  private stopping = false;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** The current process has sent at least one message. */
  private heard = false;
  private markReady: () => void = () => {};
  /** Resolves once the first process has started and reported. */
  readonly ready: Promise<void> = new Promise((resolve) => (this.markReady = resolve));

  constructor(readonly config: RunnerConfig, private readonly hooks: RunnerHooks) {}

  get name(): string {
    return this.config.name;
  }

  start(): void {
    this.spawn();
    let lastTick = Date.now();
    this.watchdog = setInterval(() => {
      // This process itself was held up (a loaded machine, a long synchronous
      // step): the runner's heartbeats wait unread in the channel, so its
      // silence says nothing about it. Start counting again.
      if (Date.now() - lastTick > 2 * 1000) this.lastSeen = Date.now();
      lastTick = Date.now();
      if (!this.child || Date.now() - this.lastSeen < (this.heard ? HUNG_AFTER_MS : STARTUP_MS)) return;
      const ranFor = this.busy
        ? `${Math.round((Date.now() - this.runStartedAt) / 1000)} s into run ${this.holder}`
        : "between runs";
      const last = this.events.length ? `; last database failures of the run: ${this.events.join(" | ")}` : "";
      this.hooks.onHung(
        this.name,
        `no heartbeat for ${Math.round((Date.now() - this.lastSeen) / 1000)} s, ${ranFor}${last}`,
      );
      this.kill();
    }, 1000);
  }

  private spawn(): void {
    const child = fork(script, [], {
      cwd: repoRoot,
      execArgv: ["--import", "tsx"],
      env: { ...process.env, CHAOS_RUNNER: JSON.stringify(this.config) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child = child;
    this.lastSeen = Date.now();
    this.heard = false;
    child.on("error", () => {}); // a send racing a kill; the exit handler restarts the runner
    child.on("message", (m: Record<string, unknown>) => {
      this.lastSeen = Date.now();
      this.heard = true;
      this.markReady();
      if (m.type === "run") {
        this.hooks.runs.add(String(m.outcome));
        const counts = m.counts as Record<string, unknown> | undefined;
        for (const [k, n] of Object.entries(counts ?? {})) {
          if (typeof n === "number" && n > 0) this.hooks.counts?.add(`${this.config.kind}:${k}`, n);
          // Why work was skipped ({"skip_reasons": {"unresolved_row": 2}}), by reason.
          else if (k === "skip_reasons" && n && typeof n === "object") {
            for (const [reason, m] of Object.entries(n)) {
              if (typeof m === "number" && m > 0) this.hooks.counts?.add(`${this.config.kind}:skipped:${reason}`, m);
            }
          }
        }
      } else if (m.type === "fault") this.hooks.faults.add(String(m.kind));
      else if (m.type === "log") this.hooks.log(String(m.line));
      else if (m.type === "event") this.events = [...this.events.slice(-2), String(m.line)];
      else if (m.type === "busy") {
        this.busy = m.busy === true;
        if (this.busy) [this.holder, this.runStartedAt, this.events] = [String(m.holder), Date.now(), []];
      }
    });
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.once("exit", () => {
      if (this.child !== child) return;
      this.child = null;
      this.busy = false;
      if (!this.stopping) void sleep(200).then(() => !this.stopping && this.spawn()); // the process restarts
    });
  }

  send(message: ParentMessage): void {
    // A child killed a moment ago may still look connected: the write then
    // fails asynchronously, reported to the callback instead of thrown.
    if (this.child?.connected) this.child.send(message, () => {});
  }

  /** SIGKILL: the process dies wherever it is, mid-call or mid-transaction. */
  kill(): boolean {
    const wasBusy = this.busy;
    if (wasBusy) this.hooks.runs.add(`${this.config.kind}:killed`);
    this.child?.kill("SIGKILL");
    return wasBusy;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.send({ type: "stop" });
    const done = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      this.kill();
      await this.exited;
    }
    if (this.watchdog) clearInterval(this.watchdog);
  }
}
