import { describe, expect, it } from 'vitest';
import { sentimentVsChain, type MetricSeries } from '../../src/lib/chain/presentation.ts';

describe('sentimentVsChain', () => {
  it('puts poll shares and the on-chain measure on one day axis, leaving missing days empty', () => {
    const day = (d: string): number => Date.parse(`${d}T00:00:00Z`);
    const series: MetricSeries = {
      metric: 'top10Share',
      label: 'Top-10 holders’ share',
      percent: true,
      simulated: false,
      source: 'x',
      points: [
        { day: '2026-11-02', block: 10, value: 0.8 },
        { day: '2026-11-04', block: 20, value: 0.7 },
      ],
    };
    const data = sentimentVsChain(
      {
        options: [{ label: 'Yes' }, { label: 'No' }],
        // History points mark the end of a day: 2026-11-03 00:00 closes 2026-11-02.
        points: [
          { at: day('2026-11-03'), percent: [60, 40] },
          { at: day('2026-11-04'), percent: [55, 45] },
        ],
      },
      series,
    );
    expect(data.days).toEqual(['2026-11-02', '2026-11-03', '2026-11-04']);
    expect(data.options[0]?.shares).toEqual([0.6, 0.55, null]);
    expect(data.metric?.values).toEqual([0.8, null, 0.7]);
  });

  it('draws sentiment alone when the token has no data', () => {
    const data = sentimentVsChain({ options: [{ label: 'Yes' }], points: [{ at: 86_400_000, percent: [100] }] }, null);
    expect(data.metric).toBeNull();
    expect(data.days).toEqual(['1970-01-01']);
  });
});
