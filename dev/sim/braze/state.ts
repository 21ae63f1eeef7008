// What the Braze simulator remembers: schedules, every call, every send, and
// a clock that tests move by hand. Firing is lazy (on every request and on
// every clock move), so a schedule fires exactly once however often the
// clock is read.

import { randomUUID } from "node:crypto";
import { isRecord } from "../common.ts";
import { Deliveries } from "./deliveries.ts";

export type ScheduleStatus = "scheduled" | "deleted" | "fired";

export interface SimSchedule {
  id: string;
  campaign_id: string;
  send_at: string;
  trigger_properties: Record<string, unknown>;
  created_at: string;
  updated_at?: string;
  status: ScheduleStatus;
  /** Set when an update moved the schedule to a new id. */
  replaced_by?: string;
}

export interface SimCall {
  at: string;
  endpoint: string;
  body: unknown;
  status: number;
  /** The fault that shaped this answer, if any. */
  fault?: string;
  /** The client hung up before the answer was written. */
  client_aborted?: boolean;
}

export interface SimFired {
  schedule_id: string;
  campaign_id: string;
  send_at: string;
  trigger_properties: Record<string, unknown>;
  fired_at: string;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface ClockOptions {
  /** Where the clock starts; real time by default. */
  start?: string | Date;
  /** A frozen clock moves only through /_sim/clock; a running one also follows real time. */
  frozen?: boolean;
}

export class SimClock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  constructor(private readonly options: ClockOptions = {}) {
    this.reset();
  }

  reset(): void {
    const start = this.options.start === undefined ? Date.now() : new Date(this.options.start).getTime();
    this.offsetMs = start - Date.now();
    this.frozenAt = this.options.frozen ? start : undefined;
  }

  nowMs(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  isFrozen(): boolean {
    return this.frozenAt !== undefined;
  }

  set(ms: number, frozen = this.isFrozen()): void {
    this.offsetMs = ms - Date.now();
    this.frozenAt = frozen ? ms : undefined;
  }
}

const notFound: Answer = { status: 404, body: { message: "Schedule not found" } };

export class BrazeState {
  readonly schedules = new Map<string, SimSchedule>();
  calls: SimCall[] = [];
  fired: SimFired[] = [];
  /** What each fire delivered; without a send guard, every fire is a delivery. */
  readonly deliveries: Deliveries;

  constructor(readonly clock: SimClock, deliveries?: Deliveries) {
    this.deliveries = deliveries ?? new Deliveries(undefined, () => clock.nowMs());
  }

  nowIso(): string {
    return new Date(this.clock.nowMs()).toISOString();
  }

  reset(): void {
    this.schedules.clear();
    this.calls = [];
    this.fired = [];
    this.deliveries.reset();
    this.clock.reset();
  }

  /** Sends every due, live schedule once, earliest first. */
  fireDue(): SimFired[] {
    const now = this.clock.nowMs();
    const due = [...this.schedules.values()]
      .filter((s) => s.status === "scheduled" && Date.parse(s.send_at) <= now)
      .sort((a, b) => Date.parse(a.send_at) - Date.parse(b.send_at));
    const fresh = due.map((s): SimFired => {
      s.status = "fired";
      return {
        schedule_id: s.id,
        campaign_id: s.campaign_id,
        send_at: s.send_at,
        trigger_properties: s.trigger_properties,
        fired_at: this.nowIso(),
      };
    });
    this.fired.push(...fresh);
    if (fresh.length) this.deliveries.deliver(fresh);
    return fresh;
  }

  create(body: unknown): Answer {
    if (!isRecord(body) || typeof body.campaign_id !== "string" || body.campaign_id === "") {
      return { status: 400, body: { message: "campaign_id is required" } };
    }
    const time = scheduleTime(body);
    if (time === undefined) return { status: 400, body: { message: "schedule.time must be an ISO-8601 time" } };
    // Braze needs an audience: broadcast, recipients or a connected audience.
    if (body.broadcast !== true && !Array.isArray(body.recipients) && !isRecord(body.audience)) {
      return { status: 400, body: { message: "Must include recipients, audience, or set broadcast to true" } };
    }
    const schedule = this.insert(
      body.campaign_id,
      time,
      isRecord(body.trigger_properties) ? body.trigger_properties : {},
    );
    this.fireDue();
    return {
      status: 201,
      body: { dispatch_id: randomUUID().replaceAll("-", ""), schedule_id: schedule.id, message: "success" },
    };
  }

  update(body: unknown, newIdOnUpdate: boolean, appliesTriggerProperties = false): Answer {
    if (!isRecord(body) || typeof body.campaign_id !== "string" || typeof body.schedule_id !== "string") {
      return { status: 400, body: { message: "campaign_id and schedule_id are required" } };
    }
    const time = scheduleTime(body);
    if (time === undefined) return { status: 400, body: { message: "schedule.time must be an ISO-8601 time" } };
    const existing = this.live(body.campaign_id, body.schedule_id);
    if (!existing) return notFound;
    const properties = appliesTriggerProperties && isRecord(body.trigger_properties)
      ? body.trigger_properties
      : existing.trigger_properties;
    if (newIdOnUpdate) {
      const replacement = this.insert(existing.campaign_id, time, properties);
      existing.status = "deleted";
      existing.replaced_by = replacement.id;
      existing.updated_at = this.nowIso();
      this.fireDue();
      return { status: 200, body: { schedule_id: replacement.id, message: "success" } };
    }
    existing.send_at = time;
    existing.trigger_properties = properties;
    existing.updated_at = this.nowIso();
    this.fireDue();
    return { status: 200, body: { message: "success" } };
  }

  delete(body: unknown): Answer {
    if (!isRecord(body) || typeof body.campaign_id !== "string" || typeof body.schedule_id !== "string") {
      return { status: 400, body: { message: "campaign_id and schedule_id are required" } };
    }
    const existing = this.live(body.campaign_id, body.schedule_id);
    if (!existing) return notFound;
    existing.status = "deleted";
    existing.updated_at = this.nowIso();
    return { status: 200, body: { message: "success" } };
  }

  /**
   * GET /messages/scheduled_broadcasts. Braze documents only name, id
   * (the campaign's), type, tags, next_send_time and schedule_type; the
   * schedule_id and trigger_properties are simulator extras that a client
   * must not rely on against the real service.
   */
  list(query: URLSearchParams, listLagSeconds: number, listApiTriggered = false): Answer {
    const endTime = Date.parse(query.get("end_time") ?? "");
    if (!Number.isFinite(endTime)) {
      return { status: 400, body: { message: "end_time is required and must be ISO-8601" } };
    }
    const now = this.clock.nowMs();
    const visibleBefore = now - listLagSeconds * 1000;
    // Every schedule here is API-triggered (created through the REST API), so
    // a listing that shows none of them is empty.
    const entries = [...this.schedules.values()]
      .filter(() => listApiTriggered)
      .filter((s) => s.status === "scheduled" && Date.parse(s.created_at) <= visibleBefore)
      .filter((s) => Date.parse(s.send_at) >= now && Date.parse(s.send_at) <= endTime)
      .sort((a, b) => Date.parse(a.send_at) - Date.parse(b.send_at))
      .map((s) => ({
        name: `API-triggered campaign ${s.campaign_id}`,
        id: s.campaign_id,
        type: "Campaign",
        tags: [],
        next_send_time: s.send_at,
        schedule_type: "UTC",
        schedule_id: s.id,
        trigger_properties: s.trigger_properties,
      }));
    return { status: 200, body: { scheduled_broadcasts: entries, message: "success" } };
  }

  snapshot() {
    return {
      schedules: [...this.schedules.values()].map((s) => ({ ...s })),
      calls: this.calls.map((c) => ({ ...c })),
      fired: this.fired.map((f) => ({ ...f })),
      deliveries: this.deliveries.list.map((d) => ({ ...d })),
      /** Deliveries that reached users (delivered or partial), by trigger_properties.match_id. */
      delivered_per_match: this.deliveries.perMatch(),
      clock: this.nowIso(),
    };
  }

  private insert(campaignId: string, sendAt: string, triggerProperties: Record<string, unknown>): SimSchedule {
    const schedule: SimSchedule = {
      // Unguessable, like Braze's, so no test can get away with predicting one.
      id: randomUUID(),
      campaign_id: campaignId,
      send_at: sendAt,
      trigger_properties: triggerProperties,
      created_at: this.nowIso(),
      status: "scheduled",
    };
    this.schedules.set(schedule.id, schedule);
    return schedule;
  }

  private live(campaignId: string, scheduleId: string): SimSchedule | undefined {
    const schedule = this.schedules.get(scheduleId);
    return schedule && schedule.campaign_id === campaignId && schedule.status === "scheduled" ? schedule : undefined;
  }
}

export type BrazeSnapshot = ReturnType<BrazeState["snapshot"]>;

function scheduleTime(body: Record<string, unknown>): string | undefined {
  const schedule = body.schedule;
  if (!isRecord(schedule) || typeof schedule.time !== "string") return undefined;
  const ms = Date.parse(schedule.time);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
