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

/** The parts of a known {@link Cost}, each a decimal string of dollars. @internal */
export const COST_PARTS = ['total', 'input', 'cachedInput', 'output', 'thinking'] as const;

/** Why a cost with an unreadable amount is unknown. @internal */
export function unreadableAmount(part: string, amount: unknown): string {
  return `the ${part} amount ${JSON.stringify(amount)?.slice(0, 60) ?? String(amount)} of a cost is not US dollars as a decimal string (such as '0.000125'), so the sum is unknown`;
}
