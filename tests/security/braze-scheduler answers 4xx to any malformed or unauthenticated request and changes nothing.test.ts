// braze-scheduler under hostile input: with a ledger and Braze schedules in
// place, no request without the cron secret or service-role key, and no body
// other than {} with one, gets anything but a 4xx, touches the ledger, leases
// or run history, or reaches Braze.
import { itRefusesAll } from "./fuzz.ts";
import { serviceEndpointAttempts } from "./service-endpoint.ts";
import { CRON_SECRET, SERVICE_ROLE_KEY, startBrazeStack } from "./stack.ts";

itRefusesAll({
  endpoint: "braze-scheduler",
  stack: startBrazeStack,
  attempts: () => serviceEndpointAttempts([CRON_SECRET, SERVICE_ROLE_KEY]),
});
