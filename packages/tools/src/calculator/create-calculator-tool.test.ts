import { InvalidArgumentError, type ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import { CalculatorError } from './calculator-error.ts';
import { createCalculatorTool } from './create-calculator-tool.ts';

const context: ToolExecuteContext = {
  signal: new AbortController().signal,
  toolCallId: 'call-1',
  step: 1,
  logger: silentLogger,
  contents: [],
};

describe('createCalculatorTool', () => {
  it('declares one described string argument with the length limit', () => {
    const tool = createCalculatorTool();
    expect(tool.name).toBe('calculator');
    expect(tool.description).toContain('right-associative');
    expect(tool.declaration.parametersJsonSchema).toMatchObject({
      type: 'object',
      required: ['expression'],
      properties: {
        expression: { type: 'string', minLength: 1, maxLength: 1000 },
      },
    });
    const schema = tool.declaration.parametersJsonSchema as {
      properties: { expression: { description: string } };
    };
    expect(schema.properties.expression.description).toContain('e.g.');
  });

  it('returns the result rounded to 15 significant digits', async () => {
    const tool = createCalculatorTool();
    expect(await tool.execute({ expression: '0.1 + 0.2' }, context)).toEqual({
      expression: '0.1 + 0.2',
      result: 0.3,
    });
    expect(await tool.execute({ expression: '-0 * 5' }, context)).toEqual({
      expression: '-0 * 5',
      result: 0,
    });
    expect(Object.is((await tool.execute({ expression: '-0' }, context)).result, 0)).toBe(true);
  });

  it('returns the exact double with significantDigits 17', async () => {
    const tool = createCalculatorTool({ significantDigits: 17 });
    expect((await tool.execute({ expression: '0.1 + 0.2' }, context)).result).toBe(0.1 + 0.2);
  });

  it('rejects arguments that are not one string through parseArgs', () => {
    const tool = createCalculatorTool();
    expect(tool.parseArgs({ expression: 42 }).success).toBe(false);
    expect(tool.parseArgs({}).success).toBe(false);
    expect(tool.parseArgs({ expression: 'x'.repeat(1001) }).success).toBe(false);
    expect(tool.parseArgs({ expression: '1+1' })).toEqual({
      success: true,
      value: { expression: '1+1' },
    });
  });

  it('throws a CalculatorError the loop can hand to the model', () => {
    const tool = createCalculatorTool();
    let thrown: unknown;
    try {
      tool.execute({ expression: '2 / (1 - 1)' }, context);
    } catch (error) {
      thrown = error;
    }
    expect(CalculatorError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toBe('Division by zero at position 3 (2 / 0) has no value.');
  });

  it('applies custom limits and name', async () => {
    const tool = createCalculatorTool({ name: 'math', maxLength: 10, maxDepth: 2 });
    expect(tool.name).toBe('math');
    expect(tool.description).toContain('Limits: 10 characters');
    expect(() => tool.execute({ expression: '((1))' }, context)).toThrow(/nests more than 2/);
    expect(() => tool.execute({ expression: '1+1+1+1+1+1' }, context)).toThrow(/11 characters/);
  });

  it('rejects limits out of range at creation', () => {
    expect(() => createCalculatorTool({ maxDepth: 0 })).toThrow(InvalidArgumentError);
    expect(() => createCalculatorTool({ maxTokens: 1e6 })).toThrow(
      'createCalculatorTool: maxTokens must be a whole number from 1 to 10000, got 1000000.',
    );
    expect(() => createCalculatorTool({ significantDigits: 18 })).toThrow(InvalidArgumentError);
  });
});
