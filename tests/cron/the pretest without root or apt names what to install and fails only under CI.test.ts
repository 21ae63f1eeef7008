// `npm test`'s pretest, dev/system-packages.sh, on machines that cannot
// install Debian packages: it must name what to install and let `npm test` go
// on (exit 0) unless CI=true requires the packages. Each machine is played by
// a PATH holding only stubs: no dpkg-query (so every package counts as
// missing), an `id` that answers what the case needs, and, where apt-get
// exists, one that records being called.
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { repoRoot } from "../../dev/postgres.ts";

const SCRIPT = join(repoRoot, "dev/system-packages.sh");
const PACKAGES = "postgresql-15 postgresql-15-cron chromium";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "system-packages-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A PATH directory: `uid` for `id -u`, and an apt-get stub (which logs its calls) when `apt` is true. */
async function machine(
  name: string,
  options: { uid: number; apt: boolean },
): Promise<{ path: string; aptLog: string }> {
  const bin = join(dir, name);
  await mkdir(bin);
  const aptLog = join(dir, `${name}.apt.log`);
  await writeFile(join(bin, "id"), `#!/bin/sh\n[ "$1" = "-u" ] && echo ${options.uid} || /usr/bin/id "$@"\n`);
  await chmod(join(bin, "id"), 0o755);
  for (const tool of ["mktemp", "tail"]) await symlink(`/usr/bin/${tool}`, join(bin, tool));
  if (options.apt) {
    await writeFile(join(bin, "apt-get"), `#!/bin/sh\necho "$@" >> ${aptLog}\nexit 100\n`);
    await chmod(join(bin, "apt-get"), 0o755);
  }
  return { path: bin, aptLog };
}

function pretest(path: string, ci?: string): Promise<{ code: number; stderr: string }> {
  const env: Record<string, string> = { PATH: path, HOME: dir };
  if (ci !== undefined) env.CI = ci;
  return new Promise((resolve) => {
    execFile("/bin/bash", [SCRIPT], { env }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

it("exits 0 without apt-get (a Mac, a non-Debian Linux), naming the packages and the install command", async () => {
  const m = await machine("no-apt", { uid: 501, apt: false });
  const { code, stderr } = await pretest(m.path);
  expect(code).toBe(0);
  expect(stderr).toContain(`missing ${PACKAGES}`);
  expect(stderr).toContain(`apt-get install -y ${PACKAGES}`);
});

it("exits 0 as a non-root user on Debian without calling apt-get", async () => {
  const m = await machine("non-root", { uid: 1000, apt: true });
  const { code, stderr } = await pretest(m.path);
  expect(code).toBe(0);
  expect(stderr).toContain("needs root");
  await expect(readFile(m.aptLog, "utf8")).rejects.toThrow(/ENOENT/);
});

it("fails under CI=true when the packages cannot be installed, whatever the reason", async () => {
  const noApt = await machine("ci-no-apt", { uid: 0, apt: false });
  const nonRoot = await machine("ci-non-root", { uid: 1000, apt: true });
  const aptFails = await machine("ci-apt-fails", { uid: 0, apt: true });
  for (const m of [noApt, nonRoot, aptFails]) {
    const { code, stderr } = await pretest(m.path, "true");
    expect({ path: m.path, code }).toEqual({ path: m.path, code: 1 });
    expect(stderr).toContain("CI=true requires them");
  }
  // The root machine did try to install, and stops there under CI.
  expect(await readFile(aptFails.aptLog, "utf8")).toContain(`install -y -qq --no-install-recommends ${PACKAGES}`);
});

it("exits 0 as root when apt-get fails outside CI, after trying", async () => {
  const m = await machine("apt-fails", { uid: 0, apt: true });
  const { code, stderr } = await pretest(m.path);
  expect(code).toBe(0);
  expect(stderr).toContain("apt-get install failed");
  expect(await readFile(m.aptLog, "utf8")).toContain("update -qq");
});
