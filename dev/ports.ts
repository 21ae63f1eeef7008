// Port helpers shared by the local stack and the tests.
import { createServer } from "node:net";

/** A port the OS says is free right now (for tests; the stack uses fixed ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(
        () => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))),
      );
    });
  });
}

/** Fails with a message naming the port and what wanted it, instead of a stack trace later. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          e.code === "EADDRINUSE"
            ? `port ${port} (${what}) is already in use: stop whatever holds it (\`lsof -i :${port}\`) or set its *_PORT variable`
            : `cannot bind ${what} on 127.0.0.1:${port}: ${e.message}`,
        ),
      ));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}
