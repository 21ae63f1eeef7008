// The Auth simulator's token endpoints on their own server, with a user list
// the test controls and a log of the calls, for the verifier's unit tests.
import { authTokenRoutes, LOCAL_JWT_SECRET } from "../../../dev/sim/auth-tokens.ts";
import { listen } from "../../../dev/sim/common.ts";
import { LOCAL_ISSUER } from "../../../dev/mint-token.ts";
import { userTokenVerifier } from "../../../src/shared/http/user-token.ts";

export async function startAuthTokens() {
  const users = new Map<string, { id: string; aud: string; role: string }>();
  const routes = authTokenRoutes({ hs256Secret: LOCAL_JWT_SECRET, findUser: (id) => users.get(id) });
  const server = await listen(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://sim").pathname;
    if (!(await routes.handle(req, res, path))) {
      res.writeHead(404);
      res.end();
    }
  }, 0);
  return {
    url: server.url,
    addUser: (id: string) => users.set(id, { id, aud: "authenticated", role: "authenticated" }),
    calls: routes.calls,
    /** The functions' verifier for this project, as authenticateCaller builds it. */
    verifier: () => userTokenVerifier({ authUrl: server.url, issuer: LOCAL_ISSUER, apiKey: "local-anon-key" }),
    close: server.close,
  };
}
