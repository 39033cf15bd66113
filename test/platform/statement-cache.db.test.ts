import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  embeddedPath,
  KeptStatementsDatabase as LibsqlDatabase,
  MAX_STATEMENTS,
} from '../../src/lib/platform/db/statement-cache.server.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';

/** libsql's own Database, the one @libsql/client loads. */
const here = createRequire(import.meta.url);
const Libsql = createRequire(here.resolve('@libsql/client'))('libsql') as {
  prototype: { prepare: unknown; exec: unknown };
};
const untouched = { prepare: Libsql.prototype.prepare, exec: Libsql.prototype.exec };

const dir = mkdtempSync(join(tmpdir(), 'statement-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prepared statements reused on the embedded database', () => {
  it('gives the same statement for the same SQL on one connection, and another connection its own', () => {
    const a = new LibsqlDatabase(join(dir, 'a.db'));
    const b = new LibsqlDatabase(join(dir, 'a.db'));
    a.exec('create table t (x integer)');
    const first = a.prepare('select x from t');
    expect(a.prepare('select x from t')).toBe(first);
    expect(a.prepare('select x from t where x > 0')).not.toBe(first);
    expect(b.prepare('select x from t')).not.toBe(first);
    a.close();
    b.close();
  });

  it('runs a reused statement with new arguments each time, and sees a changed schema', () => {
    const db = new LibsqlDatabase(join(dir, 'b.db'));
    db.exec('create table t (x integer)');
    const insert = (x: number): number => db.prepare('insert into t (x) values (?)').run(x).changes;
    expect([insert(1), insert(2), insert(3)]).toEqual([1, 1, 1]);
    expect(db.prepare('select * from t order by x').raw(true).all()).toEqual([[1], [2], [3]]);
    db.exec('alter table t add column y integer default 7');
    expect(db.prepare('select * from t order by x').raw(true).all()).toEqual([
      [1, 7],
      [2, 7],
      [3, 7],
    ]);
    db.close();
  });

  it('answers columns from the first answer, and forgets them when the schema changes', () => {
    const db = new LibsqlDatabase(join(dir, 'g.db'));
    db.exec('create table t (x integer)');
    const names = (): string[] =>
      db
        .prepare('select * from t')
        .columns()
        .map((c) => c.name);
    const statement = db.prepare('select * from t');
    expect(names()).toEqual(['x']);
    expect(statement.columns()).toBe(statement.columns());
    db.prepare('alter table t add column y integer').run();
    expect(db.prepare('select * from t')).not.toBe(statement);
    expect(names()).toEqual(['x', 'y']);
    db.exec('alter table t add column z integer');
    expect(names()).toEqual(['x', 'y', 'z']);
    db.close();
  });

  it('runs a reused statement again after it failed', () => {
    const db = new LibsqlDatabase(join(dir, 'f.db'));
    db.exec('create table t (x integer unique)');
    const insert = (x: number): number => db.prepare('insert into t (x) values (?)').run(x).changes;
    expect(insert(1)).toBe(1);
    expect(() => insert(1)).toThrow(/UNIQUE/);
    expect(() => insert(1)).toThrow(/UNIQUE/);
    expect(insert(2)).toBe(1);
    expect(db.prepare('select x from t order by x').raw(true).all()).toEqual([[1], [2]]);
    db.close();
  });

  it('refuses raw rows of a statement without rows with the same error each time', () => {
    const db = new LibsqlDatabase(join(dir, 'c.db'));
    db.exec('create table t (x integer)');
    const statement = db.prepare('insert into t (x) values (1)');
    let first: unknown;
    try {
      statement.raw(true);
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(Error);
    expect(() => db.prepare('insert into t (x) values (1)').raw(true)).toThrow(first as Error);
    expect(statement.run().changes).toBe(1);
    db.close();
  });

  it(`keeps at most ${MAX_STATEMENTS} statements a connection, the least recently used leaving first`, () => {
    const db = new LibsqlDatabase(join(dir, 'd.db'));
    const kept = db.prepare('select 0');
    for (let i = 1; i < MAX_STATEMENTS; i++) db.prepare(`select ${i}`);
    expect(db.prepare('select 0')).toBe(kept); // used again: now the most recent
    const evicted = db.prepare('select 1');
    for (let i = MAX_STATEMENTS; i < MAX_STATEMENTS + 2; i++) db.prepare(`select ${i}`);
    expect(db.prepare('select 0')).toBe(kept);
    expect(db.prepare('select 2')).not.toBe(evicted);
    db.close();
  });

  it('leaves the database’s answers as they were, through drizzle and the client', async () => {
    const db = await openDatabase({ url: `file:${join(dir, 'e.db')}` });
    await db.$client.execute('create table t (x integer primary key, y text)');
    for (let i = 0; i < 5; i++) await db.$client.execute({ sql: 'insert into t (y) values (?)', args: [`v${i}`] });
    const rows = await db.$client.execute({ sql: 'select x, y from t where x > ? order by x', args: [3] });
    expect(rows.rows.map((r) => [r.x, r.y])).toEqual([
      [4, 'v3'],
      [5, 'v4'],
    ]);
    const update = await db.$client.execute({ sql: 'update t set y = ? where x <= ?', args: ['z', 2] });
    expect(update.rowsAffected).toBe(2);
    db.$client.close();
  });

  it('patches nothing of libsql: its own Database prepares as it did', async () => {
    const db = await openDatabase({ url: `file:${join(dir, 'h.db')}` });
    await db.$client.execute('select 1');
    db.$client.close();
    expect(Libsql.prototype.prepare).toBe(untouched.prepare);
    expect(Libsql.prototype.exec).toBe(untouched.exec);
  });

  it('reads the path of a file URL as the client does, and refuses query parameters', () => {
    expect(embeddedPath('file:data/app.db')).toBe('data/app.db');
    expect(embeddedPath('file:/tmp/a.db')).toBe('/tmp/a.db');
    expect(embeddedPath('file:///tmp/a.db')).toBe('/tmp/a.db');
    expect(embeddedPath('file://localhost/tmp/a%20b.db')).toBe('/tmp/a b.db');
    expect(() => embeddedPath('file:data/app.db?mode=ro')).toThrow(/no query parameters/);
  });
});
