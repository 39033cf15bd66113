import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DemoFixture } from '../../src/lib/demo/fixture.ts';

/** The committed demo fixture, as a fresh start loads it: tests take its figures from here, never by hand. */
export const DEMO_FIXTURE = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../db/demo/opgsim.json', import.meta.url)), 'utf8'),
) as DemoFixture;

/** Its latest snapshot's block. */
export const DEMO_LATEST_BLOCK = DEMO_FIXTURE.snapshots.at(-1)?.block;
