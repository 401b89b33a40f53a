import { describe, expect, it } from 'vitest';
import type { ComposedGuardrails } from '../../guardrails/compose-guardrails.ts';
import type { InputCheckResult } from '../../guardrails/guardrail-check-results.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Content } from '../../wire/content.ts';
import { LiveSessionError } from '../live-session-error.ts';
import { LiveInputGate, type LiveInputHost } from './live-input-gate.ts';

type Check = {
  text: string;
  answer: (result: InputCheckResult) => void;
  fail: (error: unknown) => void;
};

/**
 * A gate over a recording host. With `guarded`, every text waits in `checks` until the test
 * answers its input guardrail check.
 */
function harness({ guarded = true, maxWaitingBytes = 1_000_000 } = {}) {
  const sent: Record<string, unknown>[] = [];
  const sentTexts: string[] = [];
  const warnings: string[] = [];
  const checks: Check[] = [];
  let ended: LiveSessionError | undefined;
  let closed = false;
  const checkInput = (_input: unknown, contents: readonly Content[]) =>
    new Promise<InputCheckResult>((resolve, reject) => {
      checks.push({ text: contents[0]?.parts?.[0]?.text ?? '', answer: resolve, fail: reject });
    });
  const guardrails = guarded
    ? ({ input: [{ name: 'check' }] } as unknown as ComposedGuardrails)
    : undefined;
  const logger = {
    warn: (_fields: unknown, message: string) => warnings.push(message),
  } as unknown as Logger;
  const controller = new AbortController();
  const host: LiveInputHost = {
    guardrails,
    guardrailOptions: () => ({}) as never,
    checkInput,
    signal: controller.signal,
    logger,
    ended: () => closed || ended !== undefined,
    send(message) {
      if (closed || ended !== undefined) {
        throw new LiveSessionError({ reason: 'closed', message: 'The live session is over.' });
      }
      sent.push(message);
    },
    sentText: (text) => sentTexts.push(text),
    maxWaitingBytes,
    end(error) {
      ended = error;
    },
  };
  return {
    gate: new LiveInputGate(host),
    sent,
    sentTexts,
    warnings,
    checks,
    ended: () => ended,
    close: () => {
      closed = true;
    },
  };
}

async function settle(): Promise<void> {
  for (let index = 0; index < 20; index++) await Promise.resolve();
}

describe('LiveInputGate', () => {
  it('sends text and other messages at once when the agent has no input guardrails', () => {
    const { gate, sent, sentTexts } = harness({ guarded: false });
    gate.sendText('hello 😀');
    gate.sendInOrder({ realtimeInput: { audio: { data: 'AAAA' } } });
    expect(sent).toEqual([
      { realtimeInput: { text: 'hello 😀' } },
      { realtimeInput: { audio: { data: 'AAAA' } } },
    ]);
    expect(sentTexts).toEqual(['hello 😀']);
  });

  it('holds what comes while a text is checked behind it, and sends all in order once it passes', async () => {
    const { gate, sent, checks } = harness();
    gate.sendText('first');
    gate.sendInOrder({ realtimeInput: { audio: { data: 'A1' } } });
    gate.sendText('second');
    gate.sendInOrder({ realtimeInput: { audio: { data: 'A2' } } });
    await settle();
    expect(sent).toEqual([]);
    expect(checks.map(({ text }) => text)).toEqual(['first']);
    checks[0]?.answer({ type: 'pass' });
    await settle();
    expect(checks.map(({ text }) => text)).toEqual(['first', 'second']);
    checks[1]?.answer({ type: 'pass' });
    await settle();
    expect(sent).toEqual([
      { realtimeInput: { text: 'first' } },
      { realtimeInput: { audio: { data: 'A1' } } },
      { realtimeInput: { text: 'second' } },
      { realtimeInput: { audio: { data: 'A2' } } },
    ]);
    // With nothing checked any more, the next message goes out at once.
    gate.sendInOrder({ clientContent: { turnComplete: true } });
    expect(sent.at(-1)).toEqual({ clientContent: { turnComplete: true } });
  });

  it('drops a blocked text but not what waited behind it', async () => {
    const { gate, sent, sentTexts, checks } = harness();
    gate.sendText('my card is 4111 1111 1111 1111');
    gate.sendInOrder({ realtimeInput: { audio: { data: 'A1' } } });
    await settle();
    checks[0]?.answer({ type: 'trip', name: 'pii', phase: 'input', reason: 'card' });
    await settle();
    expect(sent).toEqual([{ realtimeInput: { audio: { data: 'A1' } } }]);
    expect(sentTexts).toEqual([]);
  });

  it('sends a rewrite as the texts of its parts, and nothing (with a warning) for an empty rewrite', async () => {
    const { gate, sent, sentTexts, checks, warnings } = harness();
    gate.sendText('raw one');
    gate.sendText('raw two');
    await settle();
    checks[0]?.answer({
      type: 'rewrite',
      contents: [
        { role: 'user', parts: [{ text: 'clean' }, { inlineData: { mimeType: 'x', data: '' } }] },
        { role: 'user', parts: [{ text: 'text' }] },
        { role: 'user' } as Content,
      ],
    });
    await settle();
    checks[1]?.answer({ type: 'rewrite', contents: [{ role: 'user', parts: [] }] });
    await settle();
    expect(sent).toEqual([{ realtimeInput: { text: 'clean\ntext' } }]);
    expect(sentTexts).toEqual(['clean\ntext']);
    expect(warnings).toEqual([
      'live session: an input guardrail rewrote a text to no text; nothing was sent',
    ]);
  });

  it('logs a check that throws and goes on with what waits behind it', async () => {
    const { gate, sent, checks, warnings } = harness();
    gate.sendText('one');
    gate.sendInOrder({ realtimeInput: { audio: { data: 'A1' } } });
    await settle();
    checks[0]?.fail(new Error('guardrail service down'));
    await settle();
    expect(sent).toEqual([{ realtimeInput: { audio: { data: 'A1' } } }]);
    expect(warnings).toEqual(['live session: a send failed']);
  });

  it('ends the session with buffer-full once more than the bound waits behind a hung check', async () => {
    const { gate, sent, checks, ended } = harness({ maxWaitingBytes: 1000 });
    gate.sendText('checked forever');
    let count = 0;
    while (ended() === undefined && count < 100) {
      gate.sendInOrder({ realtimeInput: { audio: { data: 'x'.repeat(100) } } });
      count += 1;
    }
    expect(ended()).toMatchObject({ reason: 'buffer-full', limit: 1000 });
    expect(count).toBeLessThan(10);
    // Once over, nothing held is sent even if the check passes, and a new send throws closed.
    checks[0]?.answer({ type: 'pass' });
    await settle();
    expect(sent).toEqual([]);
    expect(() => gate.sendText('after')).toThrow(LiveSessionError);
  });

  it('counts even empty messages against the bound (a flood of them is no free lunch)', () => {
    const { gate, ended } = harness({ maxWaitingBytes: 1000 });
    gate.sendText('checked forever');
    for (let index = 0; index < 100 && ended() === undefined; index++) gate.sendText('');
    expect(ended()?.reason).toBe('buffer-full');
  });

  it('throws closed at once for a text sent on an ended session, guarded or not', () => {
    for (const guarded of [true, false]) {
      const { gate, close, checks } = harness({ guarded });
      close();
      expect(() => gate.sendText('late')).toThrow(/over/);
      expect(checks).toEqual([]);
    }
  });

  it('drops what waited when the session ends during the check', async () => {
    const { gate, sent, checks, close, warnings } = harness();
    gate.sendText('one');
    gate.sendInOrder({ realtimeInput: { audio: { data: 'A1' } } });
    await settle();
    close();
    checks[0]?.answer({ type: 'pass' });
    await settle();
    expect(sent).toEqual([]);
    // A send refused because the session is over is no failure worth a warning.
    expect(warnings).toEqual([]);
  });
});
