// The send-guard files' stack: one fresh, migrated database per file and the
// campaign's lease on it, as Vitest file-scoped fixtures (set up for the first
// test that names them, torn down after the file's last test; Vitest 3.2's
// `scope: "file"`, https://vitest.dev/guide/test-context). A test names what
// it uses: `test("...", async ({ t, g }) => ...)`.
import { test as base } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type Guarded, guarded } from "./fixtures.ts";

export const test = base.extend<{ t: TestDatabase; g: Guarded }>({
  t: [
    // deno-lint-ignore no-empty-pattern -- Vitest reads a fixture's dependencies from this destructuring.
    async ({}, use) => {
      const t = await createTestDatabase();
      try {
        await use(t);
      } finally {
        await t.drop();
      }
    },
    { scope: "file" },
  ],
  g: [async ({ t }, use) => await use(await guarded(t.db)), { scope: "file" }],
});
