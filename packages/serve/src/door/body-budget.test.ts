import { describe, expect, it } from 'vitest';
import {
  bodyBudgetOption,
  bodyShareOption,
  createBodyBudget,
  DEFAULT_BODIES_IN_FLIGHT,
} from './body-budget.ts';

describe('createBodyBudget', () => {
  it('reserves up to its bound, the bound itself included, and refuses a take past it whole', () => {
    const budget = createBodyBudget(100);
    expect(budget.take(60)).toBe(true);
    expect(budget.take(41)).toBe(false);
    // A refused take reserves nothing.
    expect(budget.inFlight()).toBe(60);
    expect(budget.take(40)).toBe(true);
    expect(budget.inFlight()).toBe(100);
    expect(budget.take(1)).toBe(false);
    expect(budget.take(0)).toBe(true);
  });

  it('takes again what is given back, and never goes below nothing', () => {
    const budget = createBodyBudget(100);
    expect(budget.take(100)).toBe(true);
    budget.give(100);
    expect(budget.inFlight()).toBe(0);
    // A give that matched no take does not leave room past the bound for others.
    budget.give(50);
    expect(budget.inFlight()).toBe(0);
    expect(budget.take(101)).toBe(false);
    expect(budget.limit).toBe(100);
  });

  it('holds each caller to its share of the bound, and forgets a caller holding nothing', () => {
    const budget = createBodyBudget(100, 50);
    expect(budget.perCaller).toBe(50);
    expect(budget.take(40, 'alice')).toBe(true);
    // Alice past her share is refused though the bound has room; nothing is reserved.
    expect(budget.take(11, 'alice')).toBe(false);
    expect(budget.inFlightOf('alice')).toBe(40);
    expect(budget.take(50, 'bob')).toBe(true);
    expect(budget.inFlight()).toBe(90);
    // The bound still holds across callers.
    expect(budget.take(10, 'carol')).toBe(true);
    expect(budget.take(1, 'dave')).toBe(false);
    budget.give(40, 'alice');
    expect(budget.inFlightOf('alice')).toBe(0);
    expect(budget.take(40, 'alice')).toBe(true);
    // A give past what a caller holds leaves it at nothing, never below.
    budget.give(80, 'bob');
    expect(budget.inFlightOf('bob')).toBe(0);
    expect(budget.take(50, 'bob')).toBe(true);
  });

  it('without a share given, lets one caller take the whole bound, as before', () => {
    const budget = createBodyBudget(100);
    expect(budget.perCaller).toBe(100);
    expect(budget.take(100, 'alice')).toBe(true);
  });

  it('is its own: two budgets do not share', () => {
    const one = createBodyBudget(10);
    const other = createBodyBudget(10);
    expect(one.take(10)).toBe(true);
    expect(other.take(10)).toBe(true);
  });
});

describe('bodyBudgetOption', () => {
  it('defaults to four bodies of maxBodyBytes (128 MiB for the default 32 MiB)', () => {
    expect(DEFAULT_BODIES_IN_FLIGHT).toBe(4);
    expect(bodyBudgetOption(undefined, 32 * 1024 * 1024)).toBe(128 * 1024 * 1024);
    expect(bodyBudgetOption(undefined, 1000)).toBe(4000);
  });

  it('takes a whole number of at least maxBodyBytes, and names the option and both sizes otherwise', () => {
    expect(bodyBudgetOption(1000, 1000)).toBe(1000);
    expect(() => bodyBudgetOption(999, 1000)).toThrow(
      'maxBodyBytesInFlight must be at least maxBodyBytes (1000): a body the size of the limit has to fit; got 999.',
    );
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60, '1000']) {
      expect(() => bodyBudgetOption(bad as number, 1)).toThrow(
        /^maxBodyBytesInFlight must be a positive integer; got /,
      );
    }
  });
});

describe('bodyShareOption', () => {
  it('defaults to half the bound, and never less than one body of maxBodyBytes', () => {
    expect(bodyShareOption(undefined, 32 * 1024 * 1024, 128 * 1024 * 1024)).toBe(64 * 1024 * 1024);
    expect(bodyShareOption(undefined, 1000, 1000)).toBe(1000);
    expect(bodyShareOption(undefined, 1000, 3001)).toBe(1500);
  });

  it('takes a whole number of at least maxBodyBytes, and names the option and both sizes otherwise', () => {
    expect(bodyShareOption(1000, 1000, 4000)).toBe(1000);
    // More than the bound: one caller may take all of it.
    expect(bodyShareOption(8000, 1000, 4000)).toBe(8000);
    expect(() => bodyShareOption(999, 1000, 4000)).toThrow(
      'maxBodyBytesInFlightPerCaller must be at least maxBodyBytes (1000): a body the size of the limit has to fit; got 999.',
    );
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60, '1000']) {
      expect(() => bodyShareOption(bad as number, 1, 4)).toThrow(
        /^maxBodyBytesInFlightPerCaller must be a positive integer; got /,
      );
    }
  });
});
