import { refreshEntities } from '../../src/lib/entities/entities.server.ts';
import { tokenDefinitionSchema } from '../../src/lib/chain/schemas.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';

/**
 * The owners of a new snapshot, grouped in a process of its own so its peak memory is the grouping's, not the
 * bench's (which holds the history it wrote): `node group-owners.ts <database file>`, the token definition as JSON
 * in BENCH_TOKEN. Prints one JSON line: seconds, peak resident set (bytes), snapshots grouped.
 */
const [file] = process.argv.slice(2);
const token = tokenDefinitionSchema.parse(JSON.parse(process.env.BENCH_TOKEN ?? '{}'));
const db = await openDatabase({ url: `file:${file}` });
const started = performance.now();
const grouped = await refreshEntities(db, token, Date.now());
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024, grouped }));
db.$client.close();
