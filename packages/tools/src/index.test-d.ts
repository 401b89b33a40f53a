import type { ToolExecuteContext } from '@gemloop/core';
import type { AnyTool } from '@gemloop/core/tools';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createCalculatorTool,
  createDateTimeTools,
  createFileTools,
  createWebFetchTool,
  type DateTimeDescription,
  type ReadFileResult,
  type WebFetchResult,
} from './index.ts';

describe('@gemloop/tools types', () => {
  it('types each tool from its schema', () => {
    const calculator = createCalculatorTool();
    expectTypeOf(calculator.execute).parameter(0).toEqualTypeOf<{ expression: string }>();
    expectTypeOf(calculator.execute).returns.toEqualTypeOf<
      { expression: string; result: number } | Promise<{ expression: string; result: number }>
    >();

    const webFetch = createWebFetchTool();
    expectTypeOf(webFetch.execute).parameter(0).toHaveProperty('url').toEqualTypeOf<string>();
    expectTypeOf(webFetch.execute)
      .parameter(0)
      .toHaveProperty('format')
      .toEqualTypeOf<'markdown' | 'raw' | undefined>();
    expectTypeOf<Awaited<ReturnType<typeof webFetch.execute>>>().toEqualTypeOf<WebFetchResult>();

    const files = createFileTools({ root: '.' });
    expectTypeOf<
      Awaited<ReturnType<typeof files.readFile.execute>>
    >().toEqualTypeOf<ReadFileResult>();
    expectTypeOf(files.writeFile).toBeNullable();

    const dateTime = createDateTimeTools();
    expectTypeOf<
      Awaited<ReturnType<typeof dateTime.currentTime.execute>>
    >().toEqualTypeOf<DateTimeDescription>();
  });

  it('fits an agent tool list', () => {
    const list: AnyTool[] = [
      createCalculatorTool(),
      createWebFetchTool(),
      ...createDateTimeTools().tools,
      ...createFileTools({ root: '.' }).tools,
    ];
    expectTypeOf(list).toEqualTypeOf<AnyTool[]>();
    expectTypeOf<ToolExecuteContext>().toHaveProperty('signal');
  });
});
