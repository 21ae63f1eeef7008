// A Braze simulator with the project's REST client pointed at it, for tests of
// the client and of the jobs' cores run in the test's own process.
import {
  type BrazeSimulatorOptions,
  DEFAULT_BRAZE_API_KEY,
  simClient,
  startBrazeSimulator,
} from "../../dev/sim/braze.ts";
import { type BrazeClientOptions, createBrazeClient } from "../../src/shared/providers/braze/client.ts";

/** The REST client for the simulator at `url`, with the key the simulator accepts unless `options` says otherwise. */
export function brazeClientOver(url: string, options: Partial<BrazeClientOptions> = {}) {
  return createBrazeClient({ baseUrl: url, apiKey: DEFAULT_BRAZE_API_KEY, ...options });
}

/** A simulator on a free port; `client()` makes a REST client over it, `control` steers and inspects it. */
export async function startBrazeWithClient(options: Omit<BrazeSimulatorOptions, "port"> = {}) {
  const server = await startBrazeSimulator({ ...options, port: 0 });
  return {
    server,
    url: server.url,
    control: simClient(server.url),
    client: (clientOptions: Partial<BrazeClientOptions> = {}) =>
      brazeClientOver(server.url, { apiKey: options.apiKey ?? DEFAULT_BRAZE_API_KEY, ...clientOptions }),
    close: () => server.close(),
  };
}
