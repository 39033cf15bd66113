import type { ExchangeFigures, RewardFigures, UnlockFigures } from '../../../db/json-columns.ts';
import type { Scope } from '../chain/scopes.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { StoredFigure } from './answers.ts';
import { figuresSource } from './figures-presentation.ts';
import { flowSource, groupName, tokenAmount } from './presentation.ts';
import type { Evidence } from './evidence-schema.ts';
import type { FlowsView } from './query.ts';

/**
 * What the chain shows for each option of a poll (issue 39's "the post's poll, answered"): a poll file names, per
 * option, the figure it is about (`evidence:`), and the poll page shows each option beside that figure's latest
 * value, with its source. Pure: the sentence for each figure (the schema is evidence-schema.ts).
 */

/** What the chain shows for one option, in the page's language; null `text` says why there is no figure. */
export interface EvidenceLine {
  optionId: string;
  kind: Evidence['figure'];
  text: string;
  source: string | null;
}

export interface EvidenceData {
  symbol: string;
  decimals: number;
  /** The figure-1 view over each flows option's window, by option id. */
  flows: ReadonlyMap<string, { view: FlowsView; days: number; scope: Scope }>;
  rewards: Readonly<Partial<Record<'week' | 'month', StoredFigure<RewardFigures> | null>>>;
  unlocks: StoredFigure<UnlockFigures> | null;
  exchanges: StoredFigure<ExchangeFigures> | null;
}

const pct = (i: Translator, share: number, signed = false): string =>
  i.number(share, { style: 'percent', maximumFractionDigits: 1, ...(signed ? { signDisplay: 'exceptZero' } : {}) });

/** The sentence for one option: the figure's latest value and where it comes from. */
export function evidenceLine(optionId: string, spec: Evidence, data: EvidenceData, i: Translator): EvidenceLine {
  const whole = (amount: string | bigint, signed = false) =>
    i.number(tokenAmount(amount.toString(), data.decimals), {
      maximumFractionDigits: 0,
      ...(signed ? { signDisplay: 'exceptZero' } : {}),
    });
  if (spec.figure === 'none') return { optionId, kind: 'none', text: i.t('evidence.none'), source: null };
  const needs = { optionId, kind: spec.figure, text: i.t('figures.needTransfers'), source: null };
  if (spec.figure === 'flows') {
    const entry = data.flows.get(optionId);
    const row = entry?.view.groups.find((g) => g.group === spec.group);
    if (!entry || entry.view.spans.length === 0) return { ...needs, text: i.t('evidence.flows.none') };
    const name = groupName(spec.group, i);
    const scope = i.t(`scope.${entry.scope}`).toLocaleLowerCase(i.lang);
    return {
      optionId,
      kind: 'flows',
      // A group's wallets are counted per span; added up over several spans they would count a wallet again
      // for each span it was active in, so the sentence names them only for a window of one span.
      text: i.t(
        entry.view.kind !== 'transfers'
          ? 'evidence.flowsNet'
          : entry.view.spans.length === 1
            ? 'evidence.flowsWallets'
            : 'evidence.flows',
        {
          group: name,
          net: whole(row?.net ?? '0', true),
          symbol: data.symbol,
          share: row?.share == null ? '–' : pct(i, row.share, true),
          scope,
          days: i.number(spec.days),
          wallets: i.number(row?.addresses ?? 0),
        },
      ),
      source: flowSource(entry.view, i),
    };
  }
  if (spec.figure === 'rewards') {
    const stored = data.rewards[spec.period];
    if (!stored) return needs;
    const complete = stored.data.periods.filter((p) => !p.incomplete);
    const last = complete.at(-1);
    if (!last) return { ...needs, text: i.t('rewards.none') };
    const period = i.date(new Date(last.start), { day: 'numeric', month: 'short', year: 'numeric' });
    const known = (w: 'd7' | 'd30') => last.toExchange[w].share;
    const value =
      spec.measure === 'top10Share'
        ? pct(i, last.top10Share)
        : spec.measure === 'gini'
          ? last.gini.toFixed(2)
          : spec.measure === 'belowFloor'
            ? last.belowFloor === null
              ? null
              : `${i.number(last.belowFloor)} / ${i.number(last.recipients)}`
            : known(spec.measure === 'toExchange7' ? 'd7' : 'd30');
    const text =
      value === null
        ? i.t(spec.measure === 'belowFloor' ? 'evidence.rewards.noFloor' : 'rewards.notYetKnown')
        : i.t(`evidence.rewards.${spec.measure}`, {
            value: typeof value === 'number' ? pct(i, value) : value,
            period,
            paid: whole(last.paid),
            symbol: data.symbol,
            recipients: i.number(last.recipients),
          });
    return { optionId, kind: 'rewards', text, source: figuresSource(stored, i) };
  }
  if (spec.figure === 'unlocks') {
    const stored = data.unlocks;
    if (!stored) return needs;
    const begun = stored.data.windows.filter((w) => w.at <= stored.asOf);
    const asked = spec.at;
    const last = asked ? begun.find((w) => new Date(w.at).toISOString().startsWith(asked)) : begun.at(-1);
    if (!last) {
      const none = asked
        ? i.t('evidence.unlocks.noneOn', { date: i.date(new Date(`${asked}T00:00:00Z`)) })
        : i.t('evidence.unlocks.none');
      return { ...needs, text: none };
    }
    const sent = BigInt(last.direct) + BigInt(last.viaHop);
    return {
      optionId,
      kind: 'unlocks',
      text: i.t(last.open ? 'evidence.unlocks.sofar' : 'evidence.unlocks', {
        share: last.share === null ? '–' : pct(i, last.share),
        sent: whole(sent),
        released: whole(last.released),
        symbol: data.symbol,
        date: i.date(new Date(last.at)),
      }),
      source: figuresSource(stored, i),
    };
  }
  const stored = data.exchanges;
  if (!stored) return needs;
  const to = new Date(stored.asOf).toISOString().slice(0, 10);
  const from = new Date(stored.asOf - (spec.days - 1) * 86_400_000).toISOString().slice(0, 10);
  let inflow = 0n;
  let outflow = 0n;
  for (const d of stored.data.days) {
    if (d.day < from || d.day > to) continue;
    inflow += BigInt(d.venues.exchange.inflow) + BigInt(d.venues.lp.inflow);
    outflow += BigInt(d.venues.exchange.outflow) + BigInt(d.venues.lp.outflow);
  }
  return {
    optionId,
    kind: 'exchanges',
    text: i.t('evidence.exchanges', {
      inflow: whole(inflow),
      outflow: whole(outflow),
      net: whole(inflow - outflow, true),
      symbol: data.symbol,
      days: i.number(spec.days),
    }),
    source: figuresSource(stored, i),
  };
}
