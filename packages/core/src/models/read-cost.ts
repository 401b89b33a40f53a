import { cutText } from '../shared/cut-text.ts';
import type { Cost } from './cost.ts';
import { dollarsToPicos } from './usd.ts';

const AMOUNTS = ['total', 'input', 'cachedInput', 'output', 'thinking'] as const;
/** The longest reason kept from a stored cost: it is read back from a file or a row. */
const MAX_REASON_CHARS = 300;

/**
 * A cost read back from storage (a history file, a database row): hostile bytes, so it is a
 * {@link Cost} only when every amount is a dollar decimal (or every one `null`, with a reason);
 * anything else is `undefined`, never a wrong number.
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
  for (const key of AMOUNTS) {
    const amount = record[key];
    if (typeof amount !== 'string' || amount.length > 40 || dollarsToPicos(amount) === undefined) {
      return undefined;
    }
    amounts[key] = amount;
  }
  return { currency: 'USD', ...(amounts as Record<(typeof AMOUNTS)[number], string>) };
}
