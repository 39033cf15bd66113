/**
 * A commenter's holder badge: what the post's token's latest snapshot says
 * of their wallet. Pure: the snapshot, the balance and the token's definition
 * come in as arguments, the badge and its wording go out.
 */
import { holderCohort, isVerifiedCohort, type LabelKind, type VerifiedCohortId } from '../cohorts/cohorts.ts';
import type { WeightingToken } from '../cohorts/ids.ts';
import type { Translator } from '../i18n/i18n.ts';

/** The words a badge needs: the page's Translator. */
export type BadgeWords = Pick<Translator, 't' | 'date'>;

/** The snapshot a badge is read from: the token's latest, by block. */
export interface BadgeSnapshot {
  block: number;
  /** Milliseconds since the epoch: the block's time, or the date a CSV export was given. */
  takenAt: number;
  simulated: boolean;
  /** Base units: the sum of the snapshot's balances, as cohort thresholds are measured. */
  supply: bigint;
}

/** A snapshot as a badge names it. */
export interface BadgeSnapshotRef {
  block: number;
  /** RFC 3339, UTC. */
  takenAt: string;
}

/** What GET /api/posts/<slug>/comments says of each commenter's wallet (the `badge` field). */
export interface HolderBadge {
  token: string;
  cohort: VerifiedCohortId;
  /** The word for the wallet, in English (the API's): "whale" … "shrimp", "insider", "holds none", or a custodial label's name. */
  text: string;
  /** The token definition's label for this address, if it has one. */
  label: { name: string; kind: LabelKind } | null;
  /** The latest snapshot, the one the cohort is read from. */
  snapshot: BadgeSnapshotRef & { simulated: boolean };
  /**
   * The first snapshot of the run of consecutive snapshots, up to the latest,
   * in which the address held a balance; null when it holds none now. Transfer
   * history is not kept, so this is a snapshot, never the block of a transfer.
   */
  holdingSince: BadgeSnapshotRef | null;
}

/**
 * One holder, singular: COHORT_LABELS names the groups a poll's results
 * show ("Whales"), a badge names one wallet ("whale").
 */
const COHORT_WORDS: Readonly<Record<VerifiedCohortId, string>> = {
  whale: 'whale',
  dolphin: 'dolphin',
  fish: 'fish',
  shrimp: 'shrimp',
  insiders: 'insider',
  none: 'holds none',
};

const refOf = (s: { block: number; takenAt: number }): BadgeSnapshotRef => ({
  block: s.block,
  takenAt: new Date(s.takenAt).toISOString(),
});

/**
 * A wallet's badge at the token's latest snapshot, or null while the token
 * has none. The cohort is `holderCohort`'s, the one a poll weighting by the
 * same snapshot would count the wallet in. A custodial label (exchange, pool,
 * bridge, burn, contract, rewards) is shown by its name: "holds none" would hide that
 * the address holds other people's tokens.
 *
 * @example holderBadge({ symbol: 'OPG', decimals: 18, thresholds: { whale: 0.1, dolphin: 0.01, fish: 0.001 }, labels: {} },
 *   { block: 9, takenAt: 0, simulated: false, supply: 1000n }, '0x…', 1n, null)?.text // 'whale' (1 of 1,000 is 0.1%)
 */
export function holderBadge(
  token: WeightingToken,
  snapshot: BadgeSnapshot | null,
  address: string,
  balance: bigint,
  holdingSince: { block: number; takenAt: number } | null,
): HolderBadge | null {
  if (snapshot === null) return null;
  const label = token.labels[address.toLowerCase()] ?? null;
  const cohort = holderCohort(balance, snapshot.supply, token.thresholds, label?.kind ?? null);
  // Never taken: only a ballot without a wallet is unverified.
  if (!isVerifiedCohort(cohort)) return null;
  return {
    token: token.symbol,
    cohort,
    text: label !== null && cohort === 'none' ? label.name : COHORT_WORDS[cohort],
    label: label && { name: label.name, kind: label.kind },
    snapshot: { ...refOf(snapshot), simulated: snapshot.simulated },
    holdingSince: balance > 0n && holdingSince !== null ? refOf(holdingSince) : null,
  };
}

/**
 * The word a page shows for the wallet, in its language: a custodial label's
 * name as the token file gives it, else the cohort's word for one holder.
 *
 * @example badgeWord(badge, translator('zh')) // '大户'
 */
export function badgeWord(badge: Pick<HolderBadge, 'cohort' | 'label'>, words: Pick<BadgeWords, 't'>): string {
  return badge.label !== null && badge.cohort === 'none' ? badge.label.name : words.t(`cohortOne.${badge.cohort}`);
}

/**
 * The badge's tooltip: which snapshot the cohort comes from (and that it is
 * simulated, when it is).
 *
 * @example badgeTitle(badge, translator('en')) // 'OPG whale at the latest snapshot: block 900, 3 Feb 2026'
 */
export function badgeTitle(badge: HolderBadge, words: BadgeWords): string {
  const word = badgeWord(badge, words);
  const params = {
    token: badge.token,
    word,
    block: badge.snapshot.block,
    date: words.date(new Date(badge.snapshot.takenAt)),
  };
  const title =
    badge.label && badge.label.name !== word
      ? words.t('badge.titleNamed', { ...params, name: badge.label.name })
      : words.t('badge.title', params);
  return badge.snapshot.simulated ? words.t('badge.simulated', { title }) : title;
}

/**
 * The line above a badged discussion, in small print: which snapshot every
 * badge comes from, whether it is simulated, and what "holding since" counts.
 *
 * @example badgesNote(badge, translator('en')) // 'Holder badges: OPG at its latest snapshot, block 900 of 3 Feb 2026. …'
 */
export function badgesNote(badge: HolderBadge, words: BadgeWords): string {
  return words.t(badge.snapshot.simulated ? 'badge.noteSimulated' : 'badge.note', {
    token: badge.token,
    block: badge.snapshot.block,
    date: words.date(new Date(badge.snapshot.takenAt)),
  });
}

/**
 * "Holding since" as the page shows it, with what it measures spelled out
 * in the tooltip; null when the wallet holds none now.
 *
 * @example holdingSinceText(badge, translator('en')) // { text: 'holding since 1 Dec 2025', block: 'block 777', title: '…' }
 */
export function holdingSinceText(
  badge: HolderBadge,
  words: BadgeWords,
): { text: string; block: string; title: string } | null {
  const since = badge.holdingSince;
  if (since === null) return null;
  return {
    text: words.t('badge.since', { date: words.date(new Date(since.takenAt)) }),
    block: words.t('badge.block', { block: since.block }),
    title: words.t('badge.sinceTitle', { token: badge.token, block: since.block }),
  };
}
