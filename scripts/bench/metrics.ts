/**
 * A snapshot over 1,000,000 holders: metrics for the three scopes plus the top
 * holders, from exact bigint balances, sorting included. Run as its own
 * process (npm run bench runs it) so its memory figures are this work's.
 */
import { buildSnapshot } from '../../src/lib/chain/snapshot.ts';

const HOLDERS = 1_000_000;
// A heavy-tailed distribution like real tokens: a few whales, a long tail of small wallets.
let seed = 42;
const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const holders = Array.from({ length: HOLDERS }, (_, i) => ({
  address: `0x${i.toString(16).padStart(40, '0')}`,
  balance: BigInt(Math.floor(1e15 / (1 + random() * 1e6) ** 1.3)) * 1000n,
}));

globalThis.gc?.();
const before = process.memoryUsage.rss();
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
const started = performance.now();
const snapshot = buildSnapshot({
  token: { symbol: 'BENCH', labels: {}, cohorts: { whale: 0.1, dolphin: 0.01, fish: 0.001 } },
  block: 1,
  takenAt: 0,
  holders,
  source: { kind: 'csv', file: 'bench', sha256: '' },
  totalSupply: null,
  simulated: true,
});
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
console.log(
  JSON.stringify({
    holders: HOLDERS,
    ms: Math.round(ms),
    inputRssMb: Math.round(before / 2 ** 20),
    peakRssMb: Math.round(peak / 2 ** 20),
    addedMb: Math.round((peak - before) / 2 ** 20),
    gini: Number(snapshot.metrics.all.gini.toFixed(4)),
  }),
);
