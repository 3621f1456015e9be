import { MAX_FEN, Money, type FieldError } from '#yizhi/core';

/** The three figures a program, a milestone and an allocation each carry. */
export interface Targets {
  volumeTarget: Money;
  enterprisesTarget: number;
  majorResultsTarget: number;
}

export interface MilestoneTargets extends Targets {
  /** YYYY-MM-DD: the date by which the (cumulative) targets are due. */
  yearEnd: string;
}

export interface PlanInput extends Targets {
  startsOn: string;
  endsOn: string;
  milestones: readonly MilestoneTargets[];
}

export interface AllocationTargets extends Targets {
  baseId: string;
}

/** One target against what the allocations add up to. */
export interface TargetCheck<T> {
  allocated: T;
  target: T;
  balanced: boolean;
}

export interface AllocationCheck {
  /** All three balanced. */
  balanced: boolean;
  volume: TargetCheck<Money>;
  enterprisesServed: TargetCheck<number>;
  majorResults: TargetCheck<number>;
}

const TARGETS = ['volumeTarget', 'enterprisesTarget', 'majorResultsTarget'] as const;
type TargetName = (typeof TARGETS)[number];

const compare = (a: Targets, b: Targets, key: TargetName): number =>
  key === 'volumeTarget' ? a.volumeTarget.compare(b.volumeTarget) : a[key] - b[key];
const show = (targets: Targets, key: TargetName): string => String(targets[key]);

/** Keeps the first problem found for each field, so that each field is named once. */
class Problems {
  private readonly byField = new Map<string, string>();

  add(field: string, message: string): void {
    if (!this.byField.has(field)) this.byField.set(field, message);
  }

  list(): FieldError[] {
    return [...this.byField].map(([field, message]) => ({ field, message }));
  }
}

/**
 * What is wrong with a new plan taken by itself (its dates against each other, its milestones
 * against its dates and targets); empty when it holds together. Milestones are cumulative: in
 * date order, no target goes down, and none is above the program's. Fields are named as the
 * request has them (`milestones[2].volumeTarget`).
 */
export function planProblems(plan: PlanInput): FieldError[] {
  const problems = new Problems();
  if (plan.endsOn <= plan.startsOn) problems.add('endsOn', `endsOn must be after startsOn (${plan.startsOn})`);
  if (plan.volumeTarget.isZero()) problems.add('volumeTarget', 'volumeTarget must be more than zero');

  const firstAt = new Map<string, number>();
  plan.milestones.forEach((milestone, i) => {
    const at = `milestones[${i}]`;
    if (milestone.yearEnd < plan.startsOn || milestone.yearEnd > plan.endsOn) {
      problems.add(`${at}.yearEnd`, `${at}.yearEnd must fall within the program, ${plan.startsOn} to ${plan.endsOn}`);
    }
    const first = firstAt.get(milestone.yearEnd);
    if (first === undefined) firstAt.set(milestone.yearEnd, i);
    else problems.add(`${at}.yearEnd`, `${at}.yearEnd repeats milestones[${first}].yearEnd (${milestone.yearEnd})`);
    for (const key of TARGETS) {
      if (compare(milestone, plan, key) > 0) {
        problems.add(`${at}.${key}`, `${at}.${key} must not be above the program's ${key} (${show(plan, key)})`);
      }
    }
  });

  const inDateOrder = plan.milestones
    .map((milestone, i) => ({ milestone, i }))
    .sort((a, b) => a.milestone.yearEnd.localeCompare(b.milestone.yearEnd));
  for (let k = 1; k < inDateOrder.length; k++) {
    const earlier = inDateOrder[k - 1];
    const later = inDateOrder[k];
    for (const key of TARGETS) {
      if (compare(later.milestone, earlier.milestone, key) < 0) {
        problems.add(
          `milestones[${later.i}].${key}`,
          `milestones[${later.i}].${key} is below milestones[${earlier.i}].${key} (${show(earlier.milestone, key)}), ` +
            'an earlier milestone: milestones are cumulative',
        );
      }
    }
  }
  return problems.list();
}

/**
 * What is wrong with a set of allocations taken by itself: a base allocated twice, or volume
 * targets whose total no amount can hold. Not adding up to the program's targets is allowed
 * (allocationCheck flags it).
 */
export function allocationProblems(allocations: readonly AllocationTargets[]): FieldError[] {
  const problems = new Problems();
  const firstAt = new Map<string, number>();
  allocations.forEach((allocation, i) => {
    const first = firstAt.get(allocation.baseId);
    if (first === undefined) firstAt.set(allocation.baseId, i);
    else problems.add(`allocations[${i}].baseId`, `allocations[${i}].baseId repeats allocations[${first}].baseId: one allocation per base`);
  });
  const total = allocations.reduce((sum, allocation) => sum + allocation.volumeTarget.fen, 0n);
  if (total > MAX_FEN)
    problems.add('allocations', 'the volumeTargets of the allocations add up to more than the largest amount that can be stored');
  return problems.list();
}

/** Each target against the sum of the allocations; allocations must have passed allocationProblems. */
export function allocationCheck(program: Targets, allocations: readonly Targets[]): AllocationCheck {
  const volume = Money.sum(allocations.map((a) => a.volumeTarget));
  const enterprises = allocations.reduce((sum, a) => sum + a.enterprisesTarget, 0);
  const majorResults = allocations.reduce((sum, a) => sum + a.majorResultsTarget, 0);
  const check = {
    volume: { allocated: volume, target: program.volumeTarget, balanced: volume.equals(program.volumeTarget) },
    enterprisesServed: { allocated: enterprises, target: program.enterprisesTarget, balanced: enterprises === program.enterprisesTarget },
    majorResults: { allocated: majorResults, target: program.majorResultsTarget, balanced: majorResults === program.majorResultsTarget },
  };
  return { balanced: check.volume.balanced && check.enterprisesServed.balanced && check.majorResults.balanced, ...check };
}
