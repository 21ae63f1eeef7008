// A fresh, fully migrated database for one test file.
import { randomUUID } from "node:crypto";
import postgres, { type Sql } from "postgres";
import { inject } from "vitest";
import { fromPostgres } from "../../src/shared/db/direct.ts";
import type { Db } from "../../src/shared/ports.ts";

export interface TestDatabase {
  url: string;
  /** Superuser connection for arranging and inspecting state. */
  sql: Sql;
  /** The Db port over a direct connection, as the local stack uses it. */
  db: Db;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const template = inject("pgTemplateDb");
  const name = `t_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  for (let attempt = 1;; attempt++) {
    try {
      await admin.unsafe(`create database ${name} template ${template}`);
      break;
    } catch (e) {
      // 55006: "source database is being accessed by other users", which a
      // clone in another worker can briefly cause. Anything else is real.
      if ((e as { code?: string }).code !== "55006" || attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  return {
    url,
    sql,
    db: fromPostgres(sql),
    async drop() {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
