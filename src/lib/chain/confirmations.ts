/**
 * How many blocks ingestion stays behind a chain's head, so that what it stores is settled: a block that
 * deep is not replaced by a reorganisation in practice. CONFIRMATIONS_<chainId> sets it; else 12, and 0
 * on the local development chain (31337), which mines a block per transaction and never reorganises.
 */
export const DEFAULT_CONFIRMATIONS = 12;
export const LOCAL_CHAIN_ID = 31337;

export function confirmationsFor(configured: Readonly<Record<number, number>>, chainId: number): number {
  return configured[chainId] ?? (chainId === LOCAL_CHAIN_ID ? 0 : DEFAULT_CONFIRMATIONS);
}
