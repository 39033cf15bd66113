import type { MessageKey } from '../../i18n/en.ts';
import type { TokenDefinition } from './schemas.ts';

/**
 * Unlock schedules as token unlock trackers describe them: a cliff unlocks its
 * amount on its date; a linear schedule unlocks its amount evenly from start
 * to end, except that with a cliff date nothing unlocks before it, and at the
 * cliff everything accrued since start unlocks at once. Pure; amounts in whole
 * tokens as numbers, which is what charts and tables show.
 */

export type Unlock = TokenDefinition['unlocks'][number];

const DAY_MS = 86_400_000;
const ms = (d: Date): number => d.getTime();

/** Tokens one schedule entry has unlocked at instant `t` (epoch ms). */
export function unlockedBy(unlock: Unlock, t: number): number {
  const amount = Number(unlock.amount);
  if (unlock.kind === 'cliff') return t >= ms(unlock.date) ? amount : 0;
  if (unlock.cliff && t < ms(unlock.cliff)) return 0;
  const start = ms(unlock.start);
  const end = ms(unlock.end);
  if (t <= start) return 0;
  if (t >= end) return amount;
  return (amount * (t - start)) / (end - start);
}

export const totalUnlockedBy = (unlocks: readonly Unlock[], t: number): number =>
  unlocks.reduce((sum, u) => sum + unlockedBy(u, t), 0);

/** The instants where the curve bends or jumps: cliff dates, linear starts, cliffs and ends. */
function breakpoints(unlocks: readonly Unlock[]): number[] {
  const points = unlocks.flatMap((u) =>
    u.kind === 'cliff' ? [ms(u.date)] : [ms(u.start), ms(u.end), ...(u.cliff ? [ms(u.cliff)] : [])],
  );
  return [...new Set(points)].sort((a, b) => a - b);
}

/**
 * Unlocked supply over time as the points of a line: between breakpoints the
 * total is straight (a sum of straight pieces), and at a jump both the value
 * just before and the value at the instant are given, so the line steps.
 */
export function unlockCurve(unlocks: readonly Unlock[]): { x: number; y: number }[] {
  const curve: { x: number; y: number }[] = [];
  for (const t of breakpoints(unlocks)) {
    const before = totalUnlockedBy(unlocks, t - 1);
    const at = totalUnlockedBy(unlocks, t);
    if (Math.abs(at - before) > 1e-9 * Math.max(1, at)) curve.push({ x: t, y: before });
    curve.push({ x: t, y: at });
  }
  return curve;
}

/** An instant something unlocks at once (a cliff, or a linear schedule's cliff), or a linear schedule begins. */
export interface UnlockEvent {
  at: number;
  /** Tokens released at that instant; 0 where a linear schedule only begins. */
  amount: number;
  recipient: string;
  kind: 'cliff' | 'linear-cliff' | 'linear-start';
}

/** Every event, in time order: where the sentiment chart marks an unlock. */
export function unlockEvents(unlocks: readonly Unlock[]): UnlockEvent[] {
  const events = unlocks.map((u): UnlockEvent => {
    if (u.kind === 'cliff') return { at: ms(u.date), amount: Number(u.amount), recipient: u.recipient, kind: 'cliff' };
    if (u.cliff) {
      const at = ms(u.cliff);
      return { at, amount: unlockedBy(u, at), recipient: u.recipient, kind: 'linear-cliff' };
    }
    return { at: ms(u.start), amount: 0, recipient: u.recipient, kind: 'linear-start' };
  });
  return events.sort((a, b) => a.at - b.at || a.recipient.localeCompare(b.recipient));
}

/** The words unlock sentences need: a Translator fits. */
export interface UnlockWords {
  t(key: MessageKey, params?: Record<string, string | number>): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
}

/** What comes next after `now`, in words: the next event, or a linear schedule under way. */
export function nextUnlock(
  unlocks: readonly Unlock[],
  now: number,
  format: (t: number) => string,
  words: UnlockWords,
): string | null {
  const upcoming = unlockEvents(unlocks).find((e) => e.at > now);
  const vesting = unlocks.filter(
    (u): u is Extract<Unlock, { kind: 'linear' }> =>
      u.kind === 'linear' && ms(u.start) < now && now < ms(u.end) && (!u.cliff || ms(u.cliff) <= now),
  );
  const parts: string[] = [];
  if (upcoming) {
    const amount = words.number(Math.round(upcoming.amount));
    parts.push(
      upcoming.kind === 'linear-start'
        ? words.t('unlock.nextStart', { recipient: upcoming.recipient, date: format(upcoming.at) })
        : words.t('unlock.next', { amount, date: format(upcoming.at), recipient: upcoming.recipient }),
    );
  }
  for (const u of vesting) {
    const perDay = (Number(u.amount) * DAY_MS) / (ms(u.end) - ms(u.start));
    parts.push(
      words.t('unlock.vesting', {
        recipient: u.recipient,
        perDay: words.number(Math.round(perDay)),
        date: format(ms(u.end)),
      }),
    );
  }
  return parts.length === 0 ? null : words.t('unlock.sentences', { sentences: parts.join(words.t('unlock.joiner')) });
}

/** One row of the schedule table: each entry with what it has unlocked by `now`. */
export interface UnlockRow {
  kind: 'cliff' | 'linear';
  /** "1 Sep 2026", or "1 Sep 2026 – 1 Sep 2027 (cliff 1 Mar 2027)", in the page's language. */
  when: string;
  recipient: string;
  amount: number;
  unlockedNow: number;
}

export function unlockRows(
  unlocks: readonly Unlock[],
  now: number,
  format: (t: number) => string,
  words: Pick<UnlockWords, 't'>,
): UnlockRow[] {
  const first = (u: Unlock): number => (u.kind === 'cliff' ? ms(u.date) : ms(u.start));
  return [...unlocks]
    .sort((a, b) => first(a) - first(b))
    .map((u) => ({
      kind: u.kind,
      when:
        u.kind === 'cliff'
          ? format(ms(u.date))
          : u.cliff
            ? words.t('unlock.spanCliff', {
                start: format(ms(u.start)),
                end: format(ms(u.end)),
                cliff: format(ms(u.cliff)),
              })
            : words.t('unlock.span', { start: format(ms(u.start)), end: format(ms(u.end)) }),
      recipient: u.recipient,
      amount: Number(u.amount),
      unlockedNow: unlockedBy(u, now),
    }));
}
