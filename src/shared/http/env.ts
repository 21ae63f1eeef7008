// Environment for edge functions: the one configuration pattern lives in
// src/shared/config.ts; these names stay importable from here for the job
// env files.
export { csv, loadEnv, perIsolate, processEnv, SettingsError } from "../config.ts";
