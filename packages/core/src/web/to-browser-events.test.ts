import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/agent-event.ts';
import {
  type BrowserEventMapping,
  browserArgs,
  MAX_BROWSER_PLUGIN_DATA_CHARS,
  toBrowserEvent,
} from './to-browser-events.ts';

// What a page gets of each agent event: thoughts only when asked, arguments only when they are
// known to be redacted, never what a tool threw, previews cut, plugin data only from the plugins
// the server named and only while small.

const mapping = (fields: Partial<BrowserEventMapping> = {}): BrowserEventMapping => ({
  thoughts: false,
  maxResultPreviewChars: 20,
  redaction: { redactor: undefined },
  ...fields,
});
const event = (fields: Record<string, unknown>) =>
  ({ path: [], stepNumber: 1, ...fields }) as unknown as AgentEvent<unknown>;
const toolEvent = (
  type: 'tool-result' | 'tool-error',
  toolCall: Record<string, unknown>,
  extra = {},
) => event({ type, toolCall: { toolCallId: 'c1', toolName: 'query', ...toolCall }, ...extra });

describe('toBrowserEvent', () => {
  it('passes text deltas and retractions, and thoughts only when the server asks', () => {
    expect(toBrowserEvent(event({ type: 'text-delta', text: 'Hi' }), mapping())).toEqual({
      type: 'text-delta',
      path: [],
      stepNumber: 1,
      text: 'Hi',
    });
    expect(
      toBrowserEvent(event({ type: 'guardrail-retraction', text: 'Hi' }), mapping())?.type,
    ).toBe('text-retraction');
    const thought = event({ type: 'thought-delta', text: 'hmm' });
    expect(toBrowserEvent(thought, mapping())).toBeUndefined();
    expect(toBrowserEvent(thought, mapping({ thoughts: true }))?.type).toBe('thought-delta');
  });

  it("copies a subagent's path, so the page's JSON never shares the run's array", () => {
    const path = ['researcher'];
    const shown = toBrowserEvent(event({ type: 'text-delta', text: 'x', path }), mapping());
    expect(shown?.path).toEqual(['researcher']);
    expect(shown?.path).not.toBe(path);
  });

  it('never shows what a tool threw, and cuts other failures to 2000 characters', () => {
    const thrown = toBrowserEvent(
      toolEvent('tool-error', {
        outcome: 'execution-error',
        error: 'postgres://admin:pw@10.0.0.5/db',
      }),
      mapping(),
    );
    expect(thrown).toMatchObject({
      type: 'tool-result',
      outcome: 'execution-error',
      error: 'The tool failed.',
    });
    const timeout = toBrowserEvent(
      toolEvent('tool-error', { outcome: 'timeout', error: 'e'.repeat(5000) }),
      mapping(),
    );
    expect((timeout as { error: string }).error.length).toBeLessThanOrEqual(2003);
  });

  it('previews a result as one line of JSON, cut to maxResultPreviewChars and marked truncated', () => {
    const shown = toBrowserEvent(
      toolEvent('tool-result', { outcome: 'success', output: { rows: 'r'.repeat(100) } }),
      mapping(),
    );
    expect(shown).toMatchObject({
      preview: expect.stringMatching(/^\{"rows":"r+/),
      truncated: true,
    });
    const short = toBrowserEvent(
      toolEvent('tool-result', { outcome: 'success', output: 'ok' }),
      mapping(),
    );
    expect(short).toMatchObject({ preview: 'ok', truncated: false });
  });

  it('gives no preview when previews are off or the output was held back', () => {
    const success = { outcome: 'success', output: 'secret answer' };
    expect(
      toBrowserEvent(toolEvent('tool-result', success), mapping({ maxResultPreviewChars: 0 })),
    ).not.toHaveProperty('preview');
    expect(
      toBrowserEvent(toolEvent('tool-result', success, { outputHeld: true }), mapping()),
    ).not.toHaveProperty('preview');
  });

  it('previews an output JSON cannot write without throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const output of [cyclic, 10n]) {
      const shown = toBrowserEvent(
        toolEvent('tool-result', { outcome: 'success', output }),
        mapping({ maxResultPreviewChars: 100 }),
      );
      expect((shown as { preview: string }).preview).toBe('[a value that cannot be shown as JSON]');
    }
  });

  it('sends the events of the plugins the server named only, with small data only', () => {
    const plugin = (data: unknown) =>
      event({ type: 'plugin', plugin: 'budget', kind: 'spent', data });
    expect(toBrowserEvent(plugin({ usd: 1 }), mapping())).toBeUndefined();
    const named = mapping({ pluginEvents: new Set(['budget']) });
    expect(toBrowserEvent(plugin({ usd: 1 }), named)).toMatchObject({
      plugin: 'budget',
      kind: 'spent',
      data: { usd: 1 },
    });
    expect(toBrowserEvent(plugin('x'.repeat(MAX_BROWSER_PLUGIN_DATA_CHARS)), named)).toMatchObject({
      dataOmitted: true,
    });
    expect(toBrowserEvent(plugin(10n), named)).toMatchObject({ dataOmitted: true });
    expect(toBrowserEvent(plugin(undefined), named)).not.toHaveProperty('data');
  });

  it("makes the run's own end the page's finish, and leaves a subagent's end out", () => {
    const result = {
      finishReason: 'STOP',
      usage: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
    };
    expect(toBrowserEvent(event({ type: 'run-end', result }), mapping())).toMatchObject({
      type: 'finish',
      outcome: 'completed',
      finishReason: 'STOP',
      usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
      cost: null,
    });
    expect(
      toBrowserEvent(event({ type: 'run-end', result, path: ['sub'] }), mapping()),
    ).toBeUndefined();
  });

  it('gives nothing for an event type a page has no use for', () => {
    expect(toBrowserEvent(event({ type: 'grounding' }), mapping())).toBeUndefined();
    expect(toBrowserEvent(event({ type: 'never-heard-of' }), mapping())).toBeUndefined();
  });
});

describe('browserArgs', () => {
  const call = { toolName: 'login', args: { user: 'ada', password: 'p' } };

  it('leaves arguments out when the source is not known to redact them', () => {
    expect(browserArgs(mapping({ redaction: undefined }), call)).toEqual({
      args: undefined,
      argsOmitted: true,
    });
  });

  it("prefers the call's redactedArgs, else redacts with the agent's redactor, else the args", () => {
    expect(
      browserArgs(mapping(), { ...call, redactedArgs: { user: 'ada', password: '[redacted]' } }),
    ).toEqual({
      args: { user: 'ada', password: '[redacted]' },
    });
    const redactor = { args: () => ({ user: 'ada', password: '[redacted]' }) } as never;
    expect(browserArgs(mapping({ redaction: { redactor } }), call).args).toEqual({
      user: 'ada',
      password: '[redacted]',
    });
    expect(browserArgs(mapping(), call).args).toBe(call.args);
    // A redactedArgs that is no object is not trusted as redacted.
    expect(
      browserArgs(mapping({ redaction: { redactor } }), { ...call, redactedArgs: 'x' }).args,
    ).toEqual({
      user: 'ada',
      password: '[redacted]',
    });
  });
});
