import type { ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import { createCalculatorTool } from './create-calculator-tool.ts';

// attack17: createCalculatorTool checked its limits and then read them again, so an options
// object whose getter (or a Proxy) gave the check maxDepth 2 and the parser 1e9 let the model's
// expression nest (or run) past the bound the check saw. Now each option is read once.

const context: ToolExecuteContext = {
  signal: new AbortController().signal,
  toolCallId: 'call-1',
  step: 1,
  logger: silentLogger,
  contents: [],
};

/** Options whose `key` is `first` at the first read and `later` at every later one. */
function shifting(key: string, first: number, later: number): Record<string, number> {
  let reads = 0;
  return Object.defineProperty({}, key, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  });
}

describe('createCalculatorTool against a limit getter', () => {
  it('keeps the maxDepth the check saw', () => {
    const tool = createCalculatorTool(shifting('maxDepth', 2, 1e9));
    expect(() => tool.execute({ expression: '((((1))))' }, context)).toThrow(/nests more than 2/);
  });

  it('keeps the maxLength the check saw', () => {
    const tool = createCalculatorTool(shifting('maxLength', 10, 1e6));
    expect(tool.description).toContain('10 characters');
    expect(() => tool.execute({ expression: '1+1+1+1+1+1' }, context)).toThrow(/11 characters/);
  });
});
