import { COST_PARTS, type Cost, unknownCost, unreadableAmount } from './cost.ts';
import { dollarsToPicos, picosToDollars } from './usd.ts';

/**
 * The sum of two costs, exact; unknown when either is (with the first reason), or when an amount
 * is not dollars as a decimal (`'1e5'`, `'-1'`, `'abc'`, read back from a row): counted as 0 it
 * would make the sum silently wrong. In a file of its own: an agent's run never adds two costs
 * (`costAbove` with `spent` and a chat session's budget do), and beside the cost helpers every
 * run loads it was counted in an agent app's browser bundle (issue 53, helper bytes).
 */
export function addCosts(a: Cost, b: Cost): Cost {
  if (a.unknown !== undefined) return a;
  if (b.unknown !== undefined) return b;
  const parts = {} as Record<(typeof COST_PARTS)[number], string>;
  for (const part of COST_PARTS) {
    const left = a[part] ?? '0';
    const right = b[part] ?? '0';
    // Each side is two BigInt parses and a write otherwise, and a subagent's step adds its child's
    // cost on every call (end-step.ts): '0' + '0' is what picosToDollars(0n) writes.
    if (left === '0' && right === '0') {
      parts[part] = '0';
      continue;
    }
    const x = dollarsToPicos(left);
    const y = dollarsToPicos(right);
    if (x === undefined || y === undefined) {
      return unknownCost(unreadableAmount(part, x === undefined ? left : right));
    }
    parts[part] = picosToDollars(x + y);
  }
  return { currency: 'USD', ...parts };
}
