import type { Client, InValue, Transaction } from '@libsql/client';

/**
 * Copies a whole database (schema and rows) from one libSQL client to
 * another, reading everything inside one read transaction so the copy is
 * consistent while the site keeps writing. Works the same for embedded files
 * and libSQL servers, which is why it is plain SQL rather than VACUUM INTO.
 *
 * It stays on the raw libSQL client, not drizzle, on purpose: it copies
 * whatever tables sqlite_master lists (drizzle's own migrations table
 * included) without knowing the schema, and it needs libSQL's read
 * transaction, a snapshot that drizzle's transaction() cannot ask for.
 */

interface SchemaObject {
  type: string;
  name: string;
  sql: string;
}

const PAGE = 2_000;

async function readSchema(tx: Transaction | Client): Promise<SchemaObject[]> {
  const result = await tx.execute(
    "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_litestream%' ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, name",
  );
  return result.rows.map((r) => ({ type: String(r.type), name: String(r.name), sql: String(r.sql) }));
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export interface CopyReport {
  tables: number;
  rows: number;
}

/**
 * Makes `target` hold exactly what `source` holds: its tables are dropped and
 * recreated from the source's schema, then filled, in one write transaction
 * (so a failed copy leaves the target as it was).
 */
export async function copyDatabase(source: Client, target: Client): Promise<CopyReport> {
  const read = await source.transaction('read');
  const write = await target.transaction('write');
  let rows = 0;
  try {
    // Tables are copied in name order, not dependency order: check references at commit, when all rows are in.
    await write.execute('PRAGMA defer_foreign_keys = ON');
    const schema = await readSchema(read);
    for (const old of (await readSchema(write)).filter((o) => o.type === 'table')) {
      await write.execute(`DROP TABLE IF EXISTS ${quote(old.name)}`);
    }
    const tables = schema.filter((o) => o.type === 'table');
    for (const table of tables) await write.execute(table.sql);
    for (const table of tables) {
      let after: InValue = Number.MIN_SAFE_INTEGER;
      for (;;) {
        const page = await read.execute({
          sql: `SELECT rowid AS __rowid, * FROM ${quote(table.name)} WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE}`,
          args: [after],
        });
        if (page.rows.length === 0) break;
        const columns = page.columns.filter((c) => c !== '__rowid');
        const placeholders = `(${columns.map(() => '?').join(', ')})`;
        await write.batch(
          page.rows.map((row) => ({
            sql: `INSERT INTO ${quote(table.name)} (${columns.map(quote).join(', ')}) VALUES ${placeholders}`,
            args: columns.map((c) => row[c] ?? null),
          })),
        );
        rows += page.rows.length;
        after = page.rows.at(-1)?.__rowid ?? after;
        if (page.rows.length < PAGE) break;
      }
    }
    for (const other of schema.filter((o) => o.type !== 'table')) await write.execute(other.sql);
    await write.commit();
    return { tables: tables.length, rows };
  } finally {
    read.close();
    write.close();
  }
}
