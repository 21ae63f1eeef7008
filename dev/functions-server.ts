// Serves every edge function under supabase/functions/ the way the Supabase
// edge runtime routes them: http://<host>:<port>/functions/v1/<name>[/...].
// Runs under the project's pinned Deno (node_modules/.bin/deno, the release
// the hosted Edge Runtime embeds), so the functions execute in the runtime they
// are deployed to, resolving npm: packages from the local node_modules.
//
//   node_modules/.bin/deno run --allow-all dev/functions-server.ts --port 54321
const functionsDir = new URL("../supabase/functions/", import.meta.url);
const args = Deno.args;

// Another Deno (a global install, say) accepts code the hosted runtime
// refuses, and the other way round: refuse to serve under it.
const pinned = (JSON.parse(await Deno.readTextFile(new URL("../package.json", import.meta.url))) as {
  devDependencies: Record<string, string>;
})
  .devDependencies.deno;
if (Deno.version.deno !== pinned) {
  console.error(
    `functions-server: this is deno ${Deno.version.deno}; run it with node_modules/.bin/deno (${pinned}, the hosted Edge Runtime's)`,
  );
  Deno.exit(1);
}
const port = Number(args[args.indexOf("--port") + 1] ?? "54321");

// `--exit-with-parent`: the parent holds our stdin open; its end (the parent
// exited, was killed, or a test worker timed out) ends this server too. Without
// it, every killed test worker left a Deno server behind (79 were found
// orphaned on one machine after a day of test runs).
if (args.includes("--exit-with-parent")) {
  (async () => {
    for await (const _ of Deno.stdin.readable) { /* nothing is sent; wait for EOF */ }
    Deno.exit(0);
  })();
}

type Handler = { fetch: (req: Request) => Response | Promise<Response> };
const handlers = new Map<string, Handler>();
for await (const entry of Deno.readDir(functionsDir)) {
  if (!entry.isDirectory || entry.name.startsWith("_")) continue;
  const index = new URL(`${entry.name}/index.ts`, functionsDir);
  try {
    await Deno.stat(index);
  } catch {
    continue;
  }
  const module = await import(index.href);
  handlers.set(entry.name, module.default as Handler);
}

Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: () =>
    console.log(
      `functions ready on http://127.0.0.1:${port}/functions/v1/ with deno ${Deno.version.deno} (${
        [...handlers.keys()].sort().join(", ")
      })`,
    ),
}, async (req) => {
  const url = new URL(req.url);
  const match = /^\/functions\/v1\/([^/]+)/.exec(url.pathname);
  const handler = match ? handlers.get(match[1]!) : undefined;
  if (!handler) {
    return Response.json({ error: "not_found", message: `no function at ${url.pathname}` }, { status: 404 });
  }
  try {
    return await handler.fetch(req);
  } catch (e) {
    console.error(e);
    return Response.json({ error: "internal", message: "internal error" }, { status: 500 });
  }
});
