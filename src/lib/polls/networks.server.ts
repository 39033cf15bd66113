import { createHmac, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { siteSecrets } from '../../../db/schema.ts';
import type { Database } from '../platform/db/db.server.ts';
import { clientBucket } from '../platform/http/forwarded.ts';
import { OnePer } from '../platform/caching/identity.ts';

const SALT = 'network_salt';

/** Turns a client address into the key its network's ballots are counted under. */
export type NetworkHasher = (clientAddress: string) => string;

const hashers = new OnePer<Database, Promise<NetworkHasher>>((db) => {
  const made = readSalt(db).then((salt): NetworkHasher => {
    const key = Buffer.from(salt, 'hex');
    return (address) => createHmac('sha256', key).update(clientBucket(address)).digest('base64url').slice(0, 22);
  });
  // A database that could not be reached is asked again next time.
  made.catch(() => hashers.forget(db));
  return made;
});

/**
 * The keyed hash that stands for a client's network (its rate-limit bucket:
 * an IPv4 address, an IPv6 /64) in poll_network_ballots, so the table never
 * holds an address. The key is a random secret the database makes once and
 * every instance reads; a copy of the database holds it too, so anyone with
 * the whole file can still test guessed IPv4 addresses against the hashes.
 * What it spares is the table read on its own, in an export or over a shoulder.
 */
export function networkHasher(db: Database): Promise<NetworkHasher> {
  return hashers.get(db);
}

/**
 * The salt, which migration 0020 made with the table. A database that lost it (a partial restore) gets a new
 * one: whichever instance inserts first sets it, and every one reads that.
 */
async function readSalt(db: Database): Promise<string> {
  const read = async (): Promise<string | undefined> =>
    (await db.select({ value: siteSecrets.value }).from(siteSecrets).where(eq(siteSecrets.name, SALT)))[0]?.value;
  const stored = await read();
  if (stored !== undefined) return stored;
  await db
    .insert(siteSecrets)
    .values({ name: SALT, value: randomBytes(32).toString('hex') })
    .onConflictDoNothing();
  const made = await read();
  if (made === undefined) throw new Error('the network salt was not stored');
  return made;
}
