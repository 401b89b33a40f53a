import { describe, expect, it } from 'vitest';
import { recordingObservation } from '../__fixtures__/recording-observation.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import { redactKeyObservation, redactKeyStartInfo } from './redact-key-observation.ts';
import type { RunStartInfo } from './run-observer.ts';

// The layer between a run and its observers that keeps the client's key out of what they see
// (the model may write it). The redaction is the client's own (scrubSecrets over its secrets).

const KEY = 'AIzaUnitTestKey-0123456789abcdef';
const redact = <T>(value: T): T => scrubSecrets(value, [KEY]);

function recorder() {
  const { seen, observation } = recordingObservation();
  return { seen, observation: redactKeyObservation(observation, redact) };
}

describe('redactKeyObservation', () => {
  it('replaces the key in strings and property names, at any depth, in every hook', () => {
    const { seen, observation } = recorder();
    const parts = [
      { text: `key ${KEY}`, thought: true },
      { functionCall: { name: 'f', args: { [KEY]: [{ deep: KEY }], kept: 1 } } },
    ];
    const call = observation.modelCall({
      stepNumber: 1,
      request: { model: 'm', contents: [{ role: 'model', parts }] },
      streaming: false,
      startedAt: 0,
    });
    call.end({ response: { candidates: [{ content: { role: 'model', parts } }] } } as never, 1);
    observation.event?.({ type: 'text-delta', stepNumber: 1, text: KEY } as never, 2);
    observation.end({ result: { text: `is ${KEY}`, contents: [] } } as never, 3);
    const text = JSON.stringify(seen);
    expect(text).not.toContain(KEY);
    expect(text).toContain('"key [redacted]"');
    expect(text).toContain('{"[redacted]":[{"deep":"[redacted]"}],"kept":1}');
    // The run's own values are untouched.
    expect(parts[0]?.text).toBe(`key ${KEY}`);
  });

  it('passes values without the key as they are, and errors as they are', () => {
    const { seen, observation } = recorder();
    const info = {
      stepNumber: 1,
      request: { model: 'm', contents: [{ role: 'user' as const, parts: [{ text: 'hi' }] }] },
      streaming: true,
      startedAt: 0,
    };
    observation.modelCall(info);
    const error = new Error('already redacted where it was made');
    observation.end({ error }, 1);
    expect(seen[0]).toBe(info);
    expect((seen[1] as { error: unknown }).error).toBe(error);
  });

  it('keeps a `__proto__` property as data', () => {
    const { seen, observation } = recorder();
    const args = JSON.parse(`{"__proto__": {"x": "${KEY}"}, "y": 1}`) as Record<string, unknown>;
    observation.toolCall({
      stepNumber: 1,
      toolName: 't',
      toolCallId: 'c',
      toolType: 'function',
      toolDescription: undefined,
      args,
      startedAt: 0,
    });
    const seenArgs = (seen[0] as { args: Record<string, unknown> }).args;
    expect(Object.getPrototypeOf(seenArgs)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(seenArgs, '__proto__')?.value).toEqual({
      x: '[redacted]',
    });
  });

  it('hands a cyclic or very deep value to the client’s bounded walk', () => {
    const { seen, observation } = recorder();
    const cyclic: Record<string, unknown> = { note: `has ${KEY}` };
    cyclic['self'] = cyclic;
    const plain: Record<string, unknown> = { note: 'nothing secret' };
    plain['self'] = plain;
    let deep: unknown = KEY;
    for (let level = 0; level < 200; level++) deep = { level: deep };
    for (const data of [cyclic, plain, deep]) {
      observation.event?.({ type: 'plugin', name: 'p', kind: 'k', data } as never, 0);
    }
    const [first, second, third] = seen as { data: Record<string, unknown> }[];
    expect(first?.data['note']).toBe('has [redacted]');
    expect(first?.data['self']).toBe(first?.data);
    expect(second?.data).toBe(plain);
    expect(JSON.stringify(third?.data)).not.toContain(KEY);
  });

  it('redacts the start info’s input', () => {
    const info = { runId: 'r', input: `say ${KEY}` } as unknown as RunStartInfo;
    expect(redactKeyStartInfo(info, redact).input).toBe('say [redacted]');
  });
});
