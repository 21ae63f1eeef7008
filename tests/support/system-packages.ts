// Tests that need a system package npm cannot bring (Debian's PostgreSQL 15
// with pg_cron, Chromium). With CI=true they are required: `npm test`'s
// pretest installs them (dev/system-packages.sh) and a missing one fails the
// file. Elsewhere (a laptop, a machine without root or apt) the file is
// skipped with one line naming the package and the command that installs it.
//
// SYSTEM_PACKAGES_ROOT (default `/`) is where the packages' files are looked
// up and run from. Pointing it at an empty directory plays a machine without
// the packages, e.g. `SYSTEM_PACKAGES_ROOT=/nonexistent npx vitest run tests/cron`
// skips the pg_cron files with one line each and passes.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { describe } from "vitest";

export interface SystemPackage {
  /** What a reader installs, e.g. "chromium". */
  name: string;
  /** Files whose presence means the package is installed (absolute, as Debian installs them). */
  files: readonly string[];
}

export const CHROMIUM: SystemPackage = { name: "chromium", files: ["/usr/bin/chromium"] };
export const PG15_WITH_CRON: SystemPackage = {
  name: "postgresql-15 postgresql-15-cron",
  files: ["/usr/lib/postgresql/15/bin/postgres", "/usr/lib/postgresql/15/lib/pg_cron.so"],
};

/** Where `file` (one of a package's absolute paths) is on this machine, under SYSTEM_PACKAGES_ROOT. */
export function installedPath(file: string, env: Record<string, string | undefined> = process.env): string {
  const root = env.SYSTEM_PACKAGES_ROOT;
  return root ? join(root, file) : file;
}

export function missingFiles(pkg: SystemPackage, env: Record<string, string | undefined> = process.env): string[] {
  return pkg.files.map((file) => installedPath(file, env)).filter((file) => !existsSync(file));
}

export function required(env: Record<string, string | undefined> = process.env): boolean {
  return env.CI === "true" || env.CI === "1";
}

/** The one line a skipped file prints for a missing package. */
export function skipLine(pkg: SystemPackage, missing: readonly string[]): string {
  return `skipped: needs ${pkg.name} (missing ${
    missing.join(", ")
  }); install with: sudo apt-get install -y ${pkg.name} (or: sudo bash dev/system-packages.sh)`;
}

/**
 * What a file needing `pkgs` does here: "run" when every package is installed,
 * or when CI requires them (the tests then fail loudly on what is missing);
 * otherwise "skip", with one line per missing package.
 */
export function systemPackagesDecision(
  pkgs: readonly SystemPackage[],
  env: Record<string, string | undefined> = process.env,
): { run: true } | { run: false; lines: string[] } {
  const missing = pkgs.map((pkg) => ({ pkg, files: missingFiles(pkg, env) })).filter((m) => m.files.length > 0);
  if (missing.length === 0 || required(env)) return { run: true };
  return { run: false, lines: missing.map((m) => skipLine(m.pkg, m.files)) };
}

/**
 * `describe` when the file can run here (see systemPackagesDecision); otherwise
 * `describe.skip`, after printing one line per missing package.
 */
export function describeWithSystemPackages(...pkgs: SystemPackage[]): typeof describe {
  const decision = systemPackagesDecision(pkgs);
  if (decision.run) return describe;
  for (const line of decision.lines) console.warn(line);
  return describe.skip as unknown as typeof describe;
}

/**
 * The installed Chromium (CHROMIUM), headless, for the browser tests. Flags:
 * no sandbox (the tests may run as root, where Chromium refuses its sandbox),
 * no GPU, QUIC or first-run work, and none of the background, component-update
 * or sync traffic a fresh profile starts, so the browser talks only to the
 * test's own servers. playwright-core is loaded here, not at the top, so the
 * files that import this module for the package checks alone do not load it.
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return await chromium.launch({
    executablePath: installedPath(CHROMIUM.files[0]!),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
