import { dollarsToPicos, picosToDollars } from './usd.ts';

/**
 * What tokens cost, in US dollars as exact decimal strings (`'0.000375'`; see `usd.ts`: sums are
 * exact to the pico-dollar). When a price was unknown every amount is `null` and `unknown` says
 * why: an unknown price gives an unknown cost, never a wrong number.
 */
export type Cost = {
  currency: 'USD';
  /** The sum of the parts below. */
  total: string | null;
  /** Uncached prompt tokens, tool-use prompt tokens included (audio at its own rate). */
  input: string | null;
  /** Prompt tokens served from a context cache. */
  cachedInput: string | null;
  /** Answer tokens (`candidatesTokenCount`), at the output rate. */
  output: string | null;
  /** Thinking tokens (`thoughtsTokenCount`), which Gemini bills at the output rate. */
  thinking: string | null;
  /** Why the cost is unknown: no price for the model or tier, or for a kind of token it used. */
  unknown?: string | undefined;
};

/** The cost of nothing. */
export function zeroCost(): Cost {
  return { currency: 'USD', total: '0', input: '0', cachedInput: '0', output: '0', thinking: '0' };
}

/** An unknown cost, with why. */
export function unknownCost(reason: string): Cost {
  return {
    currency: 'USD',
    total: null,
    input: null,
    cachedInput: null,
    output: null,
    thinking: null,
    unknown: reason,
  };
}

/**
 * The sum of two costs, exact; unknown when either is (with the first reason).
 */
export function addCosts(a: Cost, b: Cost): Cost {
  if (a.unknown !== undefined) return a;
  if (b.unknown !== undefined) return b;
  return {
    currency: 'USD',
    total: sum(a.total, b.total),
    input: sum(a.input, b.input),
    cachedInput: sum(a.cachedInput, b.cachedInput),
    output: sum(a.output, b.output),
    thinking: sum(a.thinking, b.thinking),
  };
}

/** One part of {@link addCosts}: nothing and nothing (no cache, no thinking) is '0' unparsed. */
function sum(x: string | null, y: string | null): string {
  const left = x ?? '0';
  const right = y ?? '0';
  // Each side is two BigInt parses and a write otherwise, and a subagent's step adds its child's
  // cost on every call (end-step.ts): '0' + '0' is what picosToDollars(0n) writes.
  if (left === '0' && right === '0') return '0';
  return picosToDollars((dollarsToPicos(left) ?? 0n) + (dollarsToPicos(right) ?? 0n));
}
