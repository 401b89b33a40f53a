import type { AgentStep, AgentUsage } from '@gemloop/core';
import type { AgentToolCall } from '@gemloop/core/agent';
import { describe, expect, it } from 'vitest';
import { createStyle } from './style.ts';
import { createTracePrinter, formatUsage } from './trace-printer.ts';

const usage: AgentUsage = {
  promptTokenCount: 1200,
  candidatesTokenCount: 40,
  thoughtsTokenCount: 16,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: 1256,
};

const call = (over: Partial<AgentToolCall>): AgentToolCall => ({
  toolCallId: 'c1',
  hasWireId: true,
  toolName: 'get_weather',
  rawArgs: { city: 'Paris' },
  args: { city: 'Paris' },
  outcome: 'success',
  output: { temperatureC: 18 },
  response: { name: 'get_weather', response: {} },
  durationMs: 12,
  ...over,
});

const step = (over: Partial<AgentStep>): AgentStep =>
  ({
    stepNumber: 1,
    kind: 'tools',
    toolCalls: [],
    usage,
    modelMs: 300,
    toolsMs: 0,
    reask: undefined,
    ...over,
  }) as AgentStep;

function print(events: Parameters<ReturnType<typeof createTracePrinter>['event']>[0][]): string {
  let out = '';
  const printer = createTracePrinter({
    write: (text) => {
      out += text;
    },
    style: createStyle({ stream: { isTTY: false }, env: {} }),
  });
  for (const event of events) printer.event(event);
  printer.finishLine();
  return out;
}

describe('createTracePrinter', () => {
  it('prints calls, results, errors, streamed text and usage as plain, indented lines', () => {
    const failed = call({
      toolCallId: 'c2',
      rawArgs: { city: 'Atlantis' },
      outcome: 'execution-error',
      error: 'No place called "Atlantis"',
    });
    const out = print([
      { type: 'step-start', path: [], stepNumber: 1, kind: 'tools' },
      { type: 'text-delta', path: [], stepNumber: 1, text: 'Checking.' },
      {
        type: 'tool-call',
        path: [],
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 'get_weather',
        args: { city: 'Paris' },
      },
      {
        type: 'tool-call',
        path: [],
        stepNumber: 1,
        toolCallId: 'c2',
        toolName: 'get_weather',
        args: { city: 'Atlantis' },
      },
      { type: 'tool-result', path: [], stepNumber: 1, toolCall: call({}) },
      { type: 'tool-error', path: [], stepNumber: 1, outcome: 'execution-error', toolCall: failed },
      { type: 'step-end', path: [], step: step({ toolCalls: [call({}), failed], toolsMs: 15 }) },
      { type: 'step-start', path: [], stepNumber: 2, kind: 'tools' },
      { type: 'text-delta', path: [], stepNumber: 2, text: 'It is 18 °C in Par' },
      { type: 'text-delta', path: [], stepNumber: 2, text: 'is.\n\nAtlantis is not on the map.' },
      { type: 'step-end', path: [], step: step({ stepNumber: 2 }) },
    ]);
    expect(out).toBe(
      [
        'Step 1',
        '  Checking.',
        '  → get_weather(city: "Paris")',
        '  → get_weather(city: "Atlantis")',
        '  ✓ get_weather 12 ms {"temperatureC":18}',
        '  ✗ get_weather 12 ms execution-error: No place called "Atlantis"',
        '  step 1: model 300 ms, tools 15 ms · 1,256 tokens (1,200 in, 40 out, 16 thinking)',
        '',
        'Step 2',
        '  It is 18 °C in Paris.',
        '',
        '  Atlantis is not on the map.',
        '  step 2: model 300 ms · 1,256 tokens (1,200 in, 40 out, 16 thinking)',
        '',
      ].join('\n'),
    );
  });

  it('lists search queries and sources of grounding', () => {
    const out = print([
      {
        type: 'grounding',
        path: [],
        stepNumber: 1,
        source: 'model',
        grounding: {
          webSearchQueries: ['la 2028 olympics'],
          groundingChunks: [{ web: { uri: 'https://la28.org/', title: 'la28.org' } }],
        },
      },
    ]);
    expect(out).toBe('  ⌕ searched: "la 2028 olympics"\n    [1] la28.org https://la28.org/\n');
  });

  it('cuts long values to the given length', () => {
    let out = '';
    const printer = createTracePrinter({
      write: (text) => {
        out += text;
      },
      style: createStyle({ stream: { isTTY: false }, env: {} }),
      maxValueLength: 20,
    });
    printer.event({
      type: 'tool-result',
      path: [],
      stepNumber: 1,
      toolCall: call({ output: { text: 'x'.repeat(100) } }),
    });
    expect(out).toBe('  ✓ get_weather 12 ms {"text":"xxxxxxxxxx…\n');
  });
});

describe('formatUsage', () => {
  it('leaves out the counts that are zero', () => {
    expect(formatUsage({ ...usage, thoughtsTokenCount: 0 })).toBe(
      '1,256 tokens (1,200 in, 40 out)',
    );
  });
});
