import { describe, expect, it } from 'vitest';
import { checkFakeFault, checkFakeOptions, checkListenOptions } from './check-fake-options.ts';

// The fake Gemini's options, checked where a test gives them: a mistake fails at once with the
// option named, instead of a fake that never finishes a job (a poll count that is no integer) or
// a timer that fires at once (a delay past Node's longest timer).

const refuse = (options: unknown) => () => checkFakeOptions(options);

describe('checkFakeOptions', () => {
  it('accepts nothing, an empty object, and every kind of script', () => {
    for (const options of [
      undefined,
      {},
      { script: [] },
      { script: [{ text: 'hi' }, () => ({ text: 'x' })] },
      { script: () => ({ text: 'x' }) },
    ])
      expect(() => checkFakeOptions(options ?? {})).not.toThrow();
  });

  it.each([
    ['a script of strings', { script: ['hi'] }, /script must be a list of turns/],
    ['a script with null in it', { script: [null] }, /script must be a list of turns/],
    ['apiKeys of numbers', { apiKeys: [1] }, /apiKeys must be an array of strings/],
    [
      'an unknown signature mode',
      { signatureValidation: 'strict' },
      /'issued', 'present' or 'off'/,
    ],
    ['a chunk size of 0', { chunkSize: 0 }, /chunkSize must be an integer of at least 1/],
    ['a negative latency', { latencyMs: -1 }, /latencyMs must be a number of milliseconds from 0/],
    ['a latency past the longest timer', { latencyMs: 2 ** 31 }, /Node's longest timer/],
    ['keepRequests of 0', { keepRequests: 0 }, /keepRequests must be an integer of at least 1/],
    ['a NaN seed', { seed: Number.NaN }, /seed must be a finite number/],
    [
      'models as one string',
      { models: 'gemini-2.5-flash' },
      /models must be an array of model names/,
    ],
    ['a misspelt option', { strictHistroy: true }, /unknown option.*strictHistory/],
    [
      'faults that are not an array',
      { faults: { times: 1 } },
      /faults must be an array of fault rules/,
    ],
  ])('refuses %s, naming the option', (_case, options, message) => {
    expect(refuse(options)).toThrow(message);
  });

  it('refuses a latency fault whose delay is no timer, wherever it sits in the rules', () => {
    const ok = { fault: { type: 'latency', ms: 5 } };
    expect(() => checkFakeOptions({ faults: [ok, { fault: { type: 'drop' } }] })).not.toThrow();
    expect(refuse({ faults: [ok, { fault: { type: 'latency', ms: '5' } }] })).toThrow(
      /faults\[1\]\.fault\.ms must be a number of milliseconds/,
    );
    expect(refuse({ faults: [null, { fault: { type: 'latency' } }] })).toThrow(/faults\[1\]/);
  });

  it('accepts known gateway mistakes, one or a list, and names an unknown one with the list', () => {
    expect(() => checkFakeOptions({ gatewayMistakes: 'openai-chunks' })).not.toThrow();
    expect(() =>
      checkFakeOptions({ gatewayMistakes: ['trailing-done', 'drop-call-ids'] }),
    ).not.toThrow();
    expect(refuse({ gatewayMistakes: ['trailing-done', 'typo'] })).toThrow(
      /unknown mistake "typo"; the mistakes are signatures-in-text, openai-chunks/,
    );
  });

  it('names an unknown gateway mistake JSON cannot write, instead of throwing a TypeError', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const mistake of [10n, cyclic, Symbol('x')])
      expect(refuse({ gatewayMistakes: [mistake] })).toThrow(/gatewayMistakes: unknown mistake/);
  });

  it('checks the nested Files API and Interactions options: poll counts must be integers', () => {
    expect(() =>
      checkFakeOptions({
        filesApi: {
          processingPolls: () => 1,
          batchPolls: 0,
          breakChunks: [{ chunk: 1, keepBytes: 3 }],
        },
        interactions: { backgroundPolls: 2, dropStreamAfterEvents: 0 },
      }),
    ).not.toThrow();
    for (const options of [
      { filesApi: { batchPolls: Number.NaN } },
      { filesApi: { processingPolls: '2' } },
      { filesApi: { breakChunks: [{ chunk: 1 }] } },
      { filesApi: { chunkGranularity: 0 } },
      { interactions: { backgroundPolls: 1.5 } },
      { interactions: { holdBackground: true } },
      { interactions: { backgroundpolls: 1 } },
    ])
      expect(refuse(options), JSON.stringify(options)).toThrow();
  });
});

describe('checkFakeFault', () => {
  it('checks only a latency fault’s delay, and any fault shape else passes to the rules', () => {
    expect(() => checkFakeFault({ type: 'latency', ms: 0 }, 'failNext(fault)')).not.toThrow();
    expect(() => checkFakeFault({ type: 'http-error' }, 'failNext(fault)')).not.toThrow();
    expect(() => checkFakeFault(undefined, 'failNext(fault)')).not.toThrow();
    expect(() =>
      checkFakeFault({ type: 'latency', ms: Number.POSITIVE_INFINITY }, 'failNext(fault)'),
    ).toThrow(/^failNext\(fault\)\.ms must be a number of milliseconds/);
  });
});

describe('checkListenOptions', () => {
  it('takes a port from 0 to 65535, a host, cors and a body limit of at least one byte', () => {
    expect(() =>
      checkListenOptions({ port: 0, host: '127.0.0.1', cors: true, maxBodyBytes: 1 }),
    ).not.toThrow();
    for (const options of [
      { port: 65_536 },
      { port: -1 },
      { port: '8080' },
      { host: 1 },
      { maxBodyBytes: 0 },
      { cors: 'yes' },
      { prot: 0 },
    ])
      expect(() => checkListenOptions(options), JSON.stringify(options)).toThrow();
  });
});
