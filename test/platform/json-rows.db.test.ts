import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonRows, jsonValue, openDatabase, packedRecords } from '../../src/lib/platform/db/db.server.ts';

const dir = mkdtempSync(join(tmpdir(), 'json-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rows in and out as JSON, by name', () => {
  it('reads each named field of rows sent as one JSON array of objects, and packs rows back as records', async () => {
    const db = await openDatabase({ url: `file:${join(dir, 'a.db')}` });
    const sent = [
      { pollId: 'p1', votes: 3 },
      { pollId: 'p2', votes: 0 },
    ];
    const read = await db
      .select({ pollId: jsonValue<string>('pollId'), votes: jsonValue<number>('votes') })
      .from(jsonRows(sent));
    expect(read).toEqual(sent);
    const [packed] = await db
      .select({
        rows: packedRecords<{ id: string; n: number }>({ id: jsonValue('pollId'), n: jsonValue('votes') }),
      })
      .from(jsonRows(sent));
    expect(packed?.rows).toEqual([
      { id: 'p1', n: 3 },
      { id: 'p2', n: 0 },
    ]);
    db.$client.close();
  });

  it('takes only plain names, since a name is written into the SQL', () => {
    for (const name of ['0', 'a b', "a'); drop table polls; --", '$.a', ''])
      expect(() => jsonValue(name)).toThrow(/not a field name/);
  });
});
