// The Braze simulator: startBrazeSimulator() for a server, simClient() to steer it.
export {
  type BrazeSimulator,
  type BrazeSimulatorOptions,
  DEFAULT_BRAZE_API_KEY,
  startBrazeSimulator,
} from "./braze/server.ts";
export { type BrazeSimClient, type BrazeSimState, type ClockMove, simClient } from "./braze/sim-client.ts";
export type { BrazeFaults } from "./braze/faults.ts";
export type { HeldCall } from "./holds.ts";
export type { BrazeSnapshot, SimCall, SimFired, SimSchedule } from "./braze/state.ts";
export type { SimDelivery } from "./braze/deliveries.ts";
export { DEFAULT_GUARD_SECRET, type Recipient, type SendGuardOption } from "./braze/render.ts";
