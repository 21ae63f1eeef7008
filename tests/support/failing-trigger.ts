// Makes a database write fail on purpose, as a lost connection, an outage or a
// function killed mid-step would: a trigger that raises for each row matching
// `condition` (SQL over old and new). `once`: only the first matching row
// fails, counted by a sequence, since nextval is not undone by the rollback the
// failure itself causes.
import type { Sql } from "postgres";

export interface FailingTrigger {
  /** Names the trigger, its function and (with once) its sequence. */
  name: string;
  /** Schema-qualified table. */
  table: string;
  event: "update" | "delete" | "insert";
  /** SQL over old and new; true fails the row. */
  condition: string;
  /** What the raised error says. */
  message: string;
  once?: boolean;
}

export async function installFailingTrigger(sql: Sql, t: FailingTrigger): Promise<void> {
  const counted = t.once ? ` and nextval('public.${t.name}_seq') = 1` : "";
  const row = t.event === "delete" ? "old" : "new";
  await sql.unsafe(`
    ${
    t.once ? `create sequence if not exists public.${t.name}_seq; select setval('public.${t.name}_seq', 1, false);` : ""
  }
    create or replace function public.${t.name}() returns trigger language plpgsql as $$
    begin
      if (${t.condition})${counted} then
        raise exception '%', ${quote(t.message)};
      end if;
      return ${row};
    end $$;
    drop trigger if exists ${t.name} on ${t.table};
    create trigger ${t.name} before ${t.event} on ${t.table}
      for each row execute function public.${t.name}();
  `);
}

export async function dropFailingTrigger(sql: Sql, t: Pick<FailingTrigger, "name" | "table">): Promise<void> {
  await sql.unsafe(`drop trigger if exists ${t.name} on ${t.table}`);
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
