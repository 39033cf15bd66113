import type { MessageKey } from '../../i18n/en.ts';
import type { Translator } from '../i18n/i18n.ts';
import { FLOW_GROUPS } from './groups.ts';
import type { FlowsView } from './query.ts';

/** Figure 1 as the token page shows it: a row per group, and where the figures come from. Pure. */

export interface FlowRow {
  group: string;
  name: string;
  /** Signed, in whole tokens, for the page's language. */
  net: string;
  /** Signed percent of the scope's supply at the window's first snapshot, or null without one. */
  share: string | null;
  wallets: string;
  /** Positive, negative or nothing: the cell's colour says which way, its sign says it too. */
  direction: 'in' | 'out' | 'none';
}

const COHORT_NAMES: Readonly<Record<string, MessageKey>> = {
  whale: 'cohort.whale',
  dolphin: 'cohort.dolphin',
  fish: 'cohort.fish',
  shrimp: 'cohort.shrimp',
  insiders: 'cohort.insiders',
  exchange: 'flows.group.exchange',
  lp: 'flows.group.lp',
  bridge: 'flows.group.bridge',
  contract: 'flows.group.contract',
  rewards: 'flows.group.rewards',
  new: 'flows.group.new',
  outside: 'flows.group.outside',
  minted: 'flows.group.minted',
  burned: 'flows.group.burned',
  unaccounted: 'flows.group.unaccounted',
};

export function groupName(group: string, i: Translator): string {
  const key = COHORT_NAMES[group];
  return key ? i.t(key) : group;
}

/** Base units as whole tokens (a float: these figures are read, not summed again). */
export function tokenAmount(amount: string, decimals: number): number {
  const units = BigInt(amount);
  const scale = 10n ** BigInt(decimals);
  return Number(units / scale) + Number(units % scale) / Number(scale);
}

export function flowRows(view: FlowsView, decimals: number, i: Translator): FlowRow[] {
  const order = [...FLOW_GROUPS, 'unaccounted'] as readonly string[];
  return [...view.groups]
    .sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group))
    .map((g) => {
      const value = tokenAmount(g.net, decimals);
      return {
        group: g.group,
        name: groupName(g.group, i),
        net: i.number(value, { maximumFractionDigits: 2, signDisplay: 'exceptZero' }),
        share:
          g.share === null
            ? null
            : i.number(g.share, { style: 'percent', maximumFractionDigits: 2, signDisplay: 'exceptZero' }),
        wallets: i.number(g.addresses),
        direction: value > 0 ? 'in' : value < 0 ? 'out' : 'none',
      };
    });
}

/** Where the figures come from, in one sentence a reader can check against the chain or the snapshots. */
export function flowSource(view: FlowsView, i: Translator): string | null {
  if (!view.blocks) return null;
  const blocks = { from: i.number(view.blocks.from), to: i.number(view.blocks.to) };
  if (view.kind === 'transfers') {
    const count = view.spans.reduce((sum, s) => sum + s.transfers, 0);
    return i.t('flows.sourceTransfers', { ...blocks, count: i.number(count), spans: i.number(view.spans.length) });
  }
  return i.t(view.kind === 'net' ? 'flows.sourceNet' : 'flows.sourceMixed', blocks);
}
