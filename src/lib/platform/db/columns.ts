import { getTableColumns, type Table } from 'drizzle-orm';

/** A table's columns but the named ones, as a selection: rows as the schema names them, minus what a read leaves out. */
export function columnsExcept<T extends Table, K extends keyof T['_']['columns'] & string>(
  table: T,
  ...left: K[]
): Omit<T['_']['columns'], K> {
  const columns: Record<string, unknown> = { ...getTableColumns(table) };
  for (const key of left) delete columns[key];
  return columns as Omit<T['_']['columns'], K>;
}
