import { describe, expect, it } from '@jest/globals';
import { MAX_FEN, Money } from '#yizhi/core';
import { allocationCheck, allocationProblems, planProblems, type MilestoneTargets, type PlanInput } from './program-rules.js';

const yuan = (amount: string) => Money.parse(amount);

const milestone = (yearEnd: string, volume: string, enterprises: number, majorResults: number): MilestoneTargets => ({
  yearEnd,
  volumeTarget: yuan(volume),
  enterprisesTarget: enterprises,
  majorResultsTarget: majorResults,
});

const plan = (overrides: Partial<PlanInput> = {}): PlanInput => ({
  startsOn: '2026-06-01',
  endsOn: '2031-05-31',
  volumeTarget: yuan('30000000000'),
  enterprisesTarget: 15_000,
  majorResultsTarget: 100,
  milestones: [
    milestone('2027-05-31', '6000000000', 3000, 20),
    milestone('2028-05-31', '12000000000', 6000, 40),
    milestone('2031-05-31', '30000000000', 15000, 100),
  ],
  ...overrides,
});

const fields = (problems: { field: string }[]) => problems.map((p) => p.field);

describe('planProblems', () => {
  it('accepts a plan whose milestones are cumulative, within its dates and within its targets', () => {
    expect(planProblems(plan())).toEqual([]);
    expect(planProblems(plan({ milestones: [] }))).toEqual([]);
  });

  it('takes milestones in any order, judging them in date order', () => {
    expect(planProblems(plan({ milestones: [...plan().milestones].reverse() }))).toEqual([]);
  });

  it('accepts milestones on the first and the last day, and equal consecutive targets', () => {
    const flat = [
      milestone('2026-06-01', '0', 0, 0),
      milestone('2027-05-31', '0', 0, 0),
      milestone('2031-05-31', '30000000000', 15000, 100),
    ];
    expect(planProblems(plan({ milestones: flat }))).toEqual([]);
  });

  it('wants endsOn after startsOn', () => {
    expect(fields(planProblems(plan({ endsOn: '2026-06-01', milestones: [] })))).toEqual(['endsOn']);
    expect(fields(planProblems(plan({ endsOn: '2026-05-31', milestones: [] })))).toEqual(['endsOn']);
  });

  it('wants a volume target above zero', () => {
    expect(fields(planProblems(plan({ volumeTarget: Money.ZERO, milestones: [] })))).toEqual(['volumeTarget']);
  });

  it('names a milestone outside the dates', () => {
    const outside = [milestone('2026-05-31', '1', 1, 1), milestone('2031-06-01', '2', 2, 2)];
    expect(fields(planProblems(plan({ milestones: outside })))).toEqual(['milestones[0].yearEnd', 'milestones[1].yearEnd']);
  });

  it('names a repeated date once, at its second occurrence', () => {
    const twice = [milestone('2027-05-31', '1', 1, 1), milestone('2027-05-31', '1', 1, 1)];
    const problems = planProblems(plan({ milestones: twice }));
    expect(problems).toEqual([
      { field: 'milestones[1].yearEnd', message: 'milestones[1].yearEnd repeats milestones[0].yearEnd (2027-05-31)' },
    ]);
  });

  it('names each target above the program', () => {
    const above = [milestone('2030-05-31', '30000000000.01', 15001, 101)];
    expect(fields(planProblems(plan({ milestones: above })))).toEqual([
      'milestones[0].volumeTarget',
      'milestones[0].enterprisesTarget',
      'milestones[0].majorResultsTarget',
    ]);
  });

  it('names each target that goes down from an earlier milestone, by its index in the request', () => {
    // In date order: [1] (2028), [0] (2029), [2] (2030).
    const down = [
      milestone('2029-05-31', '5000000000', 3000, 20),
      milestone('2028-05-31', '6000000000', 2000, 20),
      milestone('2030-05-31', '7000000000', 1000, 20),
    ];
    const problems = planProblems(plan({ milestones: down }));
    expect(fields(problems)).toEqual(['milestones[0].volumeTarget', 'milestones[2].enterprisesTarget']);
    expect(problems[0].message).toContain('milestones are cumulative');
  });

  it('compares amounts exactly, to the fen', () => {
    const down = [milestone('2027-05-31', '100.01', 0, 0), milestone('2028-05-31', '100.00', 0, 0)];
    expect(fields(planProblems(plan({ milestones: down })))).toEqual(['milestones[1].volumeTarget']);
  });
});

describe('allocationProblems', () => {
  const allocation = (baseId: string, volume = '1.00') => ({
    baseId,
    volumeTarget: yuan(volume),
    enterprisesTarget: 1,
    majorResultsTarget: 1,
  });

  it('accepts one allocation per base, and none', () => {
    expect(allocationProblems([allocation('a'), allocation('b')])).toEqual([]);
    expect(allocationProblems([])).toEqual([]);
  });

  it('names a base allocated twice at its later occurrences', () => {
    expect(fields(allocationProblems([allocation('a'), allocation('b'), allocation('a'), allocation('a')]))).toEqual([
      'allocations[2].baseId',
      'allocations[3].baseId',
    ]);
  });

  it('refuses volume targets whose total no bigint holds', () => {
    const max = Money.ofFen(MAX_FEN).toString();
    expect(fields(allocationProblems([allocation('a', max), allocation('b', '0.01')]))).toEqual(['allocations']);
    expect(allocationProblems([allocation('a', max), allocation('b', '0')])).toEqual([]);
  });
});

describe('allocationCheck', () => {
  const program = { volumeTarget: yuan('300.00'), enterprisesTarget: 10, majorResultsTarget: 2 };
  const share = (volume: string, enterprises: number, majorResults: number) => ({
    volumeTarget: yuan(volume),
    enterprisesTarget: enterprises,
    majorResultsTarget: majorResults,
  });

  it('is balanced when every sum equals its target', () => {
    const check = allocationCheck(program, [share('100.01', 4, 1), share('199.99', 6, 1)]);
    expect(check.balanced).toBe(true);
    expect(check.volume).toEqual({ allocated: yuan('300.00'), target: yuan('300.00'), balanced: true });
    expect(check.enterprisesServed).toEqual({ allocated: 10, target: 10, balanced: true });
    expect(check.majorResults).toEqual({ allocated: 2, target: 2, balanced: true });
  });

  it('flags each sum that misses its target, above or below', () => {
    const check = allocationCheck(program, [share('300.01', 10, 1)]);
    expect(check.balanced).toBe(false);
    expect([check.volume.balanced, check.enterprisesServed.balanced, check.majorResults.balanced]).toEqual([false, true, false]);
    expect(check.volume.allocated).toEqual(yuan('300.01'));
  });

  it('is unbalanced with no allocations', () => {
    const check = allocationCheck(program, []);
    expect(check.balanced).toBe(false);
    expect(check.volume.allocated).toEqual(Money.ZERO);
    expect(check.enterprisesServed.allocated).toBe(0);
  });
});
