// The Braze simulator: startBrazeSimulator() for a server, simClient() to steer it.
export { startBrazeSimulator, DEFAULT_BRAZE_API_KEY, type BrazeSimulator, type BrazeSimulatorOptions } from "./braze/server.ts";
export { simClient, type BrazeSimClient, type BrazeSimState, type ClockMove } from "./braze/sim-client.ts";
export type { BrazeFaults } from "./braze/faults.ts";
export type { HeldCall } from "./holds.ts";
export type { SimSchedule, SimCall, SimFired, BrazeSnapshot } from "./braze/state.ts";
