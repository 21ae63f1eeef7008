// delete-user-resume under hostile input: with users, their calendars and
// email contacts in place, no request without the cron secret or service-role
// key, and no body other than {} with one, gets anything but a 4xx, takes the
// resumer's lease, or reaches Supabase Auth or the email provider.
import { itRefusesAll } from "./fuzz.ts";
import { serviceEndpointAttempts } from "./service-endpoint.ts";
import { CRON_SECRET, SERVICE_ROLE_KEY, startDeleteUserStack } from "./stack.ts";

itRefusesAll({
  endpoint: "delete-user-resume",
  stack: startDeleteUserStack,
  attempts: () => serviceEndpointAttempts([CRON_SECRET, SERVICE_ROLE_KEY]),
});
