import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '../../history/thought-signatures/thought-signature-bypass.ts';
import { validateHistory } from '../../history/validate-history.ts';
import {
  createHistoryCheckCache,
  type HistoryCheckCache,
} from '../../history/validate-history-cached.ts';
import type { Logger } from '../../logging/logger.ts';
import type { AgentInput } from '../../run/agent-input.ts';
import type { Content } from '../../wire/content.ts';
import { InvalidHistoryError } from '../errors/invalid-history-error.ts';
import { normalizeInput } from './normalize-input.ts';

/** A logger that keeps its warnings, so a test can read what a user would see. */
function recordingLogger(): Logger & { warnings: { fields: unknown; message?: string }[] } {
  const warnings: { fields: unknown; message?: string }[] = [];
  const logger = {
    warnings,
    child: () => logger,
    debug: () => {},
    info: () => {},
    warn: (fields: Record<string, unknown>, message?: string) =>
      warnings.push({ fields, ...(message !== undefined && { message }) }),
    error: () => {},
  };
  return logger;
}

const MODEL = 'gemini-3-flash-preview';

function normalize(
  input: unknown,
  {
    history,
    requiresThoughtSignatures = false,
    logger = recordingLogger(),
  }: { history?: unknown; requiresThoughtSignatures?: boolean; logger?: Logger } = {},
) {
  return normalizeInput(input as AgentInput, {
    history: history as readonly Content[] | undefined,
    requiresThoughtSignatures,
    logger,
    model: MODEL,
    historyChecks: createHistoryCheckCache(),
  });
}

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const answer = (text: string): Content => ({ role: 'model', parts: [{ text }] });
const call = (name: string, thoughtSignature?: string): Content => ({
  role: 'model',
  parts: [{ functionCall: { name, args: {} }, ...(thoughtSignature && { thoughtSignature }) }],
});
const reply = (name: string): Content => ({
  role: 'user',
  parts: [{ functionResponse: { name, response: { ok: true } } }],
});

describe('normalizeInput: what a run starts from', () => {
  it('makes a message or parts one new user turn after the history, and counts only the history as old', () => {
    const history = [user('hi'), answer('hello')];
    const fromText = normalize('and now?', { history });
    expect(fromText.contents).toEqual([...history, user('and now?')]);
    expect(fromText.inputLength).toBe(2);
    const fromParts = normalize([{ text: 'a' }, { text: 'b' }], { history });
    expect(fromParts.contents.at(-1)).toEqual({
      role: 'user',
      parts: [{ text: 'a' }, { text: 'b' }],
    });
    expect(fromParts.inputLength).toBe(2);
  });

  it('counts contents given as input as old (a chat store saves only what the run adds)', () => {
    const input = [user('one'), answer('two'), user('three')];
    const result = normalize(input);
    expect(result.contents).toEqual(input);
    expect(result.inputLength).toBe(3);
  });

  it("never mutates the caller's arrays: a run appends to a copy", () => {
    const history = [user('hi'), answer('hello')];
    const parts = [{ text: 'next' }];
    const result = normalize(parts, { history });
    result.contents.push(answer('appended by the run'));
    (result.contents.at(-2) as Content).parts.length;
    expect(history).toHaveLength(2);
    expect(parts).toEqual([{ text: 'next' }]);
    const input = [user('x')];
    const again = normalize(input);
    again.contents.push(answer('y'));
    expect(input).toHaveLength(1);
  });

  it('flattens turns of history and input in order, each content once', () => {
    const turns = [
      { contents: [user('q1'), answer('a1')] },
      { contents: [user('q2'), answer('a2')], model: MODEL },
    ];
    const result = normalize('q3', { history: turns });
    expect(result.contents.map((content) => (content.parts[0] as { text: string }).text)).toEqual([
      'q1',
      'a1',
      'q2',
      'a2',
      'q3',
    ]);
    expect(result.inputLength).toBe(4);
    const asInput = normalize([...turns, { contents: [user('q3')] }]);
    expect(asInput.contents).toHaveLength(5);
    expect(asInput.inputLength).toBe(5);
  });

  it('refuses input of the wrong type with the typed error, naming what it got', () => {
    for (const [input, got] of [
      [null, 'null'],
      [42, 'number'],
      [undefined, 'undefined'],
      [{ text: 'not in a list' }, 'object'],
    ] as const) {
      expect(() => normalize(input)).toThrow(InvalidArgumentError);
      expect(() => normalize(input)).toThrow(`got ${got}`);
    }
    expect(() => normalize([])).toThrow(/empty array/);
  });

  it('refuses a history that is not an array, before looking at the input', () => {
    for (const history of ['hi', { contents: [] }, 7]) {
      const error = (() => {
        try {
          normalize('q', { history });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(InvalidArgumentError.isInstance(error) && error.argument).toBe('history');
    }
  });

  it('names the turn whose model is not a model name, whatever the value (a bigint too)', () => {
    for (const model of ['', '   ', 12, 10n, { name: MODEL }]) {
      const run = () =>
        normalize('q', { history: [{ contents: [user('a'), answer('b')], model }] });
      expect(run).toThrow(InvalidArgumentError);
      expect(run).toThrow(/history\[0\]\.model must be the name of the model/);
    }
  });

  it('names a turn in a list of turns that is not a turn', () => {
    const run = () =>
      normalize('q', { history: [{ contents: [user('a'), answer('b')] }, user('c')] });
    expect(run).toThrow(/history\[1\] is not a turn/);
  });

  it('refuses a history that ends with a model answer: there is nothing to reply to', () => {
    expect(() => normalize([user('q'), answer('a')])).toThrow(
      /ends with a model answer \(contents\[1\]\)/,
    );
  });

  it('lets a history end with calls the run answers first (a paused approval)', () => {
    const result = normalize([user('refund order 7'), call('refund')]);
    expect(result.contents.at(-1)).toEqual(call('refund'));
  });

  it('refuses what the API refuses with every issue listed, before any request', () => {
    const error = (() => {
      try {
        normalize([
          { role: 'assistant', parts: [{ text: 'x' }] },
          { role: 'user', parts: [] },
        ]);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(InvalidHistoryError.isInstance(error)).toBe(true);
    expect((error as InvalidHistoryError).issues.length).toBeGreaterThanOrEqual(2);
  });

  it('gives unsigned calls the documented dummy signature on a model that needs one, with one warning', () => {
    const logger = recordingLogger();
    const result = normalize([user('q'), call('lookup'), reply('lookup')], {
      requiresThoughtSignatures: true,
      logger,
    });
    const part = (result.contents[1] as Content).parts[0] as { thoughtSignature?: string };
    expect(part.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE_VALIDATOR);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.fields).toMatchObject({ parts: ['contents[1].parts[0]'] });
  });

  it("removes another model's signatures (they are bound to it) and says which model wrote them", () => {
    const logger = recordingLogger();
    const history = [
      {
        contents: [user('q'), call('lookup', 'sig-from-pro'), reply('lookup')],
        model: 'gemini-3-pro-preview',
      },
    ];
    const result = normalize('and then?', { history, requiresThoughtSignatures: true, logger });
    const part = (result.contents[1] as Content).parts[0] as { thoughtSignature?: string };
    expect(part.thoughtSignature).not.toBe('sig-from-pro');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.message).toContain('gemini-3-pro-preview');
    // The caller's turn keeps its own signature: the copy is what changed.
    expect(history[0]?.contents[1]?.parts[0]).toMatchObject({ thoughtSignature: 'sig-from-pro' });
  });

  it("keeps the agent's own signatures as they are, with no warning", () => {
    const logger = recordingLogger();
    const result = normalize([user('q'), call('lookup', 'own-sig'), reply('lookup')], {
      requiresThoughtSignatures: true,
      logger,
    });
    expect((result.contents[1] as Content).parts[0]).toMatchObject({ thoughtSignature: 'own-sig' });
    expect(logger.warnings).toEqual([]);
  });

  it('builds no warning fields for a logger whose warn level is off', () => {
    let asked = 0;
    const quiet: Logger = {
      ...recordingLogger(),
      warn: () => {
        throw new Error('warn must not be called when the level is off');
      },
      isLevelEnabled: (level) => {
        asked++;
        return level !== 'warn';
      },
    };
    const history = [
      {
        contents: [user('q'), call('lookup', 'sig'), reply('lookup')],
        model: 'gemini-3-pro-preview',
      },
    ];
    expect(() => normalize('next', { history, logger: quiet })).not.toThrow();
    expect(asked).toBeGreaterThan(0);
  });
});

describe('normalizeInput: which input is walked by the history checks', () => {
  /** The agent's check cache, counting the lists it is asked about. */
  function countingChecks(): HistoryCheckCache & { lists: unknown[][] } {
    const real = createHistoryCheckCache();
    const lists: unknown[][] = [];
    return {
      lists,
      validate(contents, options) {
        lists.push([...(contents as unknown[])]);
        return real.validate(contents, options);
      },
    };
  }
  const run = (input: unknown, history?: readonly Content[]) => {
    const historyChecks = countingChecks();
    const normalized = normalizeInput(input as AgentInput, {
      history,
      requiresThoughtSignatures: false,
      logger: recordingLogger(),
      model: MODEL,
      historyChecks,
    });
    return { normalized, lists: historyChecks.lists };
  };

  it('walks nothing for a message alone (one user text part: no check refuses or warns about it)', () => {
    for (const message of ['', 'x', '\u0000', ' '.repeat(3), 'a'.repeat(100_000)]) {
      // The premise of the shortcut, held to the real check: the message's content has no issue.
      expect(validateHistory([user(message)], { onWarning: () => expect.unreachable() })).toEqual(
        [],
      );
      const { normalized, lists } = run(message);
      expect(lists).toEqual([]);
      expect(normalized).toEqual({ contents: [user(message)], inputLength: 0 });
    }
  });

  it('still walks a message with a history, and refuses the history the API would refuse', () => {
    const history = [user('q'), answer('a')];
    expect(run('next', history).lists).toEqual([[...history, user('next')]]);
    // A function response with no call before it: the pairing rule holds with a message after it.
    expect(() => run('next', [reply('lookup')])).toThrow(InvalidHistoryError);
    // An empty history is no history: the message alone, not walked.
    expect(run('next', []).lists).toEqual([]);
  });

  it('still walks parts and contents given as input, and refuses a malformed one', () => {
    expect(run([{ text: 'hi' }]).lists).toEqual([[user('hi')]]);
    expect(run([user('hi')]).lists).toEqual([[user('hi')]]);
    expect(() => run([{ text: 42 }])).toThrow(InvalidHistoryError);
    expect(() => run([{ role: 'user', parts: [{}] }])).toThrow(InvalidHistoryError);
  });
});
