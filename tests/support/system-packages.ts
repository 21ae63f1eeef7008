// Tests that need a system package npm cannot bring (Debian's PostgreSQL 15
// with pg_cron, Chromium). With CI=true they are required: `npm test`'s
// pretest installs them (dev/system-packages.sh) and a missing one fails the
// file. Elsewhere (a laptop, a machine without root or apt) the file is
// skipped with one line naming the package and the command that installs it.
import { existsSync } from "node:fs";
import { describe } from "vitest";

export interface SystemPackage {
  /** What a reader installs, e.g. "chromium". */
  name: string;
  /** Files whose presence means the package is installed. */
  files: readonly string[];
}

export const CHROMIUM: SystemPackage = { name: "chromium", files: ["/usr/bin/chromium"] };
export const PG15_WITH_CRON: SystemPackage = {
  name: "postgresql-15 postgresql-15-cron",
  files: ["/usr/lib/postgresql/15/bin/postgres", "/usr/lib/postgresql/15/lib/pg_cron.so"],
};

export function missingFiles(pkg: SystemPackage): string[] {
  return pkg.files.filter((file) => !existsSync(file));
}

function required(): boolean {
  return process.env.CI === "true" || process.env.CI === "1";
}

/**
 * `describe` when every package is installed, or when CI requires them (the
 * tests then fail loudly on what is missing); otherwise `describe.skip`, after
 * printing one line per missing package.
 */
export function describeWithSystemPackages(...pkgs: SystemPackage[]): typeof describe {
  const missing = pkgs.filter((pkg) => missingFiles(pkg).length > 0);
  if (missing.length === 0 || required()) return describe;
  for (const pkg of missing) {
    console.warn(
      `skipped: needs ${pkg.name} (missing ${missingFiles(pkg).join(", ")}); install with: sudo apt-get install -y ${pkg.name} (or: sudo bash dev/system-packages.sh)`,
    );
  }
  return describe.skip as unknown as typeof describe;
}
