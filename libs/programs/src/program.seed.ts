import { Money } from '#yizhi/core';
import { VolumeMeasure } from './program.entity.js';

/** The five-year plan from the article: 300亿元, 15,000 enterprises, 100 major results. */
export const FIVE_YEAR_PROGRAM = {
  code: '2021-2026',
  name: '易智网五年目标（2021—2026）',
  startsOn: '2021-06-01',
  endsOn: '2026-05-31',
  volumeTarget: Money.ofYuan(30_000_000_000n),
  volumeMeasure: VolumeMeasure.TechTransactionAmount,
  enterprisesTarget: 15_000,
  majorResultsTarget: 100,
} as const;
