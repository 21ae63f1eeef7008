// A stand-in for the braze-send-guard function, for the simulator's own unit
// tests: it answers as the contract says (GET ?key=, HTTP Basic with the
// guard secret as password, {"send": boolean, "reason": string}) from a fixed
// table of keys, and records every ask. The real guard is tested against the
// database elsewhere.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInGuard {
  url: string;
  secret: string;
  asks: { key: string | null; authorized: boolean }[];
  close(): Promise<void>;
}

export async function startStandInGuard(
  answer: (key: string) => { status: number; body: string },
  secret = "stand-in-guard-secret",
): Promise<StandInGuard> {
  const asks: StandInGuard["asks"] = [];
  const server = createServer((req, res) => {
    const key = new URL(req.url ?? "/", "http://guard").searchParams.get("key");
    // The user name is ignored: only the password is compared.
    const given = req.headers.authorization ?? "";
    const password = given.startsWith("Basic ")
      ? Buffer.from(given.slice(6), "base64").toString("utf8").split(":").slice(1).join(":")
      : "";
    const authorized = password === secret;
    asks.push({ key, authorized });
    const out = !authorized
      ? { status: 401, body: JSON.stringify({ error: "unauthorized" }) }
      : key
      ? answer(key)
      : { status: 400, body: "{}" };
    res.writeHead(out.status, { "content-type": "application/json" });
    res.end(out.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/functions/v1/braze-send-guard`,
    secret,
    asks,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sendAnswer = (send: boolean) => ({ status: 200, body: JSON.stringify({ send, reason: "stand-in" }) });
