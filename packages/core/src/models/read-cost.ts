import { cutText } from '../shared/cut-text.ts';
import type { Cost } from './cost.ts';
import { dollarsToPicos } from './usd.ts';

const AMOUNTS = ['total', 'input', 'cachedInput', 'output', 'thinking'] as const;
/** The longest reason kept from a stored cost: it is read back from a file or a row. */
const MAX_REASON_CHARS = 300;

/**
 * A cost read back from storage (a history file, a database row): hostile bytes, so it is a
 * {@link Cost} only when every amount is a dollar decimal whose `total` is exactly the sum of the
 * four parts, as every cost gemloop writes is (or every amount `null`, with a reason); anything
 * else is `undefined`, never a wrong number. A total that is not its parts' sum is refused rather
 * than recomputed: the row was changed after it was written, and either side may be the changed
 * one (a total lowered to slip under a session's budget, or a part).
 * @internal
 */
export function readCost(value: unknown): Cost | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record['currency'] !== 'USD') return undefined;
  const reason = record['unknown'];
  if (typeof reason === 'string') {
    if (!AMOUNTS.every((key) => record[key] === null)) return undefined;
    return {
      currency: 'USD',
      total: null,
      input: null,
      cachedInput: null,
      output: null,
      thinking: null,
      unknown: cutText(reason, MAX_REASON_CHARS),
    };
  }
  const amounts: Partial<Record<(typeof AMOUNTS)[number], string>> = {};
  // The parts' sum less the total, in pico-dollars (exact): 0 for a well-formed cost.
  let unbalanced = 0n;
  for (const key of AMOUNTS) {
    const amount = record[key];
    const picos =
      typeof amount === 'string' && amount.length <= 40 ? dollarsToPicos(amount) : undefined;
    if (picos === undefined) return undefined;
    unbalanced += key === 'total' ? -picos : picos;
    amounts[key] = amount as string;
  }
  if (unbalanced !== 0n) return undefined;
  return { currency: 'USD', ...(amounts as Record<(typeof AMOUNTS)[number], string>) };
}
