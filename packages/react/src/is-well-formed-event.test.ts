import { describe, expect, it } from 'vitest';
import { isUsage, isWellFormedEvent } from './is-well-formed-event.ts';

// The check between the bytes a server sent and the chat's state: what a well-behaved server may
// leave out or add (a newer protocol's fields) passes; a field the state reads, of the wrong type,
// does not. (reduce-agent-chat.test.ts drops the plainer malformed events through the reducer.)

const usage = {
  inputTokens: 1,
  outputTokens: 2,
  thoughtsTokens: 0,
  cachedTokens: 0,
  totalTokens: 3,
};
const call = { path: [], stepNumber: 1, toolCallId: 'c1', toolName: 'send' };

describe('isWellFormedEvent', () => {
  const accepted: [string, object][] = [
    ['a step-start with nothing but its path', { type: 'step-start', path: [] }],
    ['fields of a newer server', { type: 'text-delta', path: [], text: 'x', lang: 'en', v: 2 }],
    ['a subagent path', { type: 'text-delta', path: ['researcher', 'reader#2'], text: '' }],
    ['a tool-call without args (the server omitted them)', { type: 'tool-call', ...call }],
    ['an approval without args', { type: 'approval-pending', ...call, approvalId: 'p1' }],
    ['a tool-result with only its outcome', { type: 'tool-result', ...call, outcome: 'aborted' }],
    ['an outcome this package does not know', { type: 'tool-result', ...call, outcome: 'later' }],
    ['an error without a code', { type: 'error', path: [], error: { name: 'E', message: 'm' } }],
    ['a finish without reason or usage', { type: 'finish', path: [], outcome: 'aborted' }],
    ['a plugin event without data', { type: 'plugin', path: [], plugin: 'p', kind: 'k' }],
    [
      'zero and negative token counts',
      { type: 'step-finish', path: [], usage: { ...usage, totalTokens: -1 } },
    ],
  ];
  it.each(accepted)('passes %s', (_, event) => {
    expect(isWellFormedEvent(event)).toBe(true);
  });

  const refused: [string, unknown][] = [
    ['an array', [{ type: 'start', path: [], runId: 'r' }]],
    ['a type that is not a string', { type: ['start'], path: [], runId: 'r' }],
    ['an inherited name as type', { type: 'toString', path: [] }],
    ['a path that is a string', { type: 'step-start', path: 'root' }],
    ['a path of null', { type: 'step-start', path: null }],
    ['tool args of null', { type: 'tool-call', ...call, args: null }],
    ['tool args that are text', { type: 'tool-call', ...call, args: '{"to":"x"}' }],
    [
      'approval args that are an array',
      { type: 'approval-pending', ...call, approvalId: 'p', args: [] },
    ],
    [
      'a tool-result with a numeric error',
      { type: 'tool-result', ...call, outcome: 'x', error: 5 },
    ],
    [
      'a truncated flag that is text',
      { type: 'tool-result', ...call, outcome: 'success', truncated: 'yes' },
    ],
    [
      'a retraction with a step number as text',
      { type: 'text-retraction', path: [], stepNumber: '2', text: '' },
    ],
    [
      'a retraction with an infinite step',
      { type: 'text-retraction', path: [], stepNumber: Number.POSITIVE_INFINITY, text: '' },
    ],
    ['a start without run id', { type: 'start', path: [] }],
    [
      'an approval resolved without its id',
      { type: 'approval-resolved', path: [], decision: 'approve' },
    ],
    ['an error of null', { type: 'error', path: [], error: null }],
    [
      'an error with a numeric code',
      { type: 'error', path: [], error: { name: 'E', message: 'm', code: 429 } },
    ],
    [
      'an error whose message is not text',
      { type: 'error', path: [], error: { name: 'E', message: {} } },
    ],
    [
      'a finish reason that is a number',
      { type: 'finish', path: [], outcome: 'completed', finishReason: 1 },
    ],
    [
      'a finish with usage of the wrong shape',
      { type: 'finish', path: [], outcome: 'completed', usage: 30 },
    ],
    ['a plugin event without its plugin', { type: 'plugin', path: [], kind: 'k' }],
    ['a plugin event whose kind is a number', { type: 'plugin', path: [], plugin: 'p', kind: 1 }],
  ];
  it.each(refused)('refuses %s', (_, event) => {
    expect(isWellFormedEvent(event)).toBe(false);
  });
});

describe('isUsage', () => {
  it('wants every one of the five counts as a finite number', () => {
    expect(isUsage(usage)).toBe(true);
    for (const key of Object.keys(usage)) {
      const { [key as keyof typeof usage]: _, ...missing } = usage;
      expect(isUsage(missing), `without ${key}`).toBe(false);
      expect(isUsage({ ...usage, [key]: Number.POSITIVE_INFINITY }), `${key} infinite`).toBe(false);
      expect(isUsage({ ...usage, [key]: String(usage[key as keyof typeof usage]) })).toBe(false);
    }
    expect(isUsage(null)).toBe(false);
    expect(isUsage('3')).toBe(false);
  });
});
