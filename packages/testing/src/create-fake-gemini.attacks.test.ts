import { InvalidArgumentError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { createFakeGemini } from './create-fake-gemini.ts';
import { turn } from './script/fake-turn.ts';

// The fake is test infrastructure: a wrong option must fail where the fake is made, naming it,
// not as a puzzling 400 or a "network" TypeError in the test that uses it.

describe('createFakeGemini on wrong options', () => {
  for (const [name, options, argument] of [
    ['null', null, 'options'],
    ['a script that is a number', { script: 5 }, 'script'],
    ['a script with a null turn', { script: [turn.text('a'), null] }, 'script'],
    ['apiKeys as one string', { apiKeys: 'abc' }, 'apiKeys'],
    ['faults that are not a list', { faults: 5 }, 'faults'],
    ['a chunkSize of -1', { chunkSize: -1 }, 'chunkSize'],
    ['a seed that is text', { seed: 'x' }, 'seed'],
    ['an unknown signatureValidation', { signatureValidation: 'strict' }, 'signatureValidation'],
    ['a misspelt option', { scirpt: [] }, 'scirpt'],
    // A poll count that is no integer never compares as spent: the job would never finish.
    ['a batchPolls of NaN', { filesApi: { batchPolls: Number.NaN } }, 'filesApi.batchPolls'],
    [
      'a fileSearchPolls as text',
      { filesApi: { fileSearchPolls: '2' } },
      'filesApi.fileSearchPolls',
    ],
    [
      'a negative processingPolls',
      { filesApi: { processingPolls: -1 } },
      'filesApi.processingPolls',
    ],
    [
      'a breakChunks entry without keepBytes',
      { filesApi: { breakChunks: [{ chunk: 1 }] } },
      'filesApi.breakChunks',
    ],
    ['a misspelt filesApi option', { filesApi: { batchPoll: 2 } }, 'filesApi.batchPoll'],
    [
      'a backgroundPolls of 1.5',
      { interactions: { backgroundPolls: 1.5 } },
      'interactions.backgroundPolls',
    ],
    [
      'a holdBackground that is true',
      { interactions: { holdBackground: true } },
      'interactions.holdBackground',
    ],
    ['interactions as a list', { interactions: [] }, 'interactions'],
  ] as const) {
    it(`names ${argument} for ${name}`, () => {
      const make = () => createFakeGemini(options as never);
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(expect.objectContaining({ argument }));
    });
  }

  // Node sets a timer longer than 2147483647 ms to 1 ms (TimeoutOverflowWarning): a fake asked to
  // stall for a month would answer at once, and a test of a timeout would pass for the wrong reason.
  for (const [name, options, argument] of [
    ['a latencyMs past the longest timer', { latencyMs: 2 ** 31 }, 'latencyMs'],
    ['a chunkDelayMs past the longest timer', { chunkDelayMs: 2 ** 31 }, 'chunkDelayMs'],
    [
      'a latency fault past the longest timer',
      { faults: [{ fault: { type: 'latency', ms: 2 ** 31 } }] },
      'faults[0].fault.ms',
    ],
    [
      'a latency fault of -1 ms',
      { faults: [{ fault: { type: 'rate-limit' } }, { fault: { type: 'latency', ms: -1 } }] },
      'faults[1].fault.ms',
    ],
  ] as const) {
    it(`refuses ${name}, naming ${argument} and the bound`, () => {
      const make = () => createFakeGemini(options as never);
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(expect.objectContaining({ argument }));
      expect(make).toThrow(/from 0 to 2147483647/);
    });
  }

  it('takes the longest timer itself, and checks addFault and failNext the same way', () => {
    expect(() =>
      createFakeGemini({
        latencyMs: 2_147_483_647,
        faults: [{ fault: { type: 'latency', ms: 2_147_483_647 } }],
      }),
    ).not.toThrow();
    const fake = createFakeGemini();
    expect(() => fake.addFault({ fault: { type: 'latency', ms: 2 ** 31 } })).toThrow(
      expect.objectContaining({ argument: 'addFault(rule).fault.ms' }),
    );
    expect(() => fake.failNext({ type: 'latency', ms: 1e12 })).toThrow(
      expect.objectContaining({ argument: 'failNext(fault).ms' }),
    );
  });

  it('takes every documented form of the nested options', () => {
    expect(() =>
      createFakeGemini({
        filesApi: {
          chunkGranularity: 16,
          processingPolls: ({ mimeType }) => (mimeType.startsWith('video/') ? 2 : 0),
          failProcessing: () => false,
          breakChunks: [{ chunk: 1, keepBytes: 1000 }],
          batchPolls: 0,
          fileSearchPolls: 3,
        },
        interactions: { backgroundPolls: 0, holdBackground: () => false, dropStreamAfterEvents: 3 },
      }),
    ).not.toThrow();
  });

  it('checks setScript the same way', () => {
    const fake = createFakeGemini();
    expect(() => fake.setScript(5 as never)).toThrow(InvalidArgumentError);
  });
});

describe('createFakeGemini options, each refused where it is given', () => {
  it.each([
    ['accessTokens with a number', { accessTokens: ['t', 1] }, 'accessTokens'],
    ['gemini3 as a string', { gemini3: 'yes' }, 'gemini3'],
    ['callIds as 1', { callIds: 1 }, 'callIds'],
    ['strictHistory as null', { strictHistory: null }, 'strictHistory'],
    ['models as one name', { models: 'gemini-2.5-flash' }, 'models'],
    ['models with a number', { models: ['gemini-2.5-flash', 2] }, 'models'],
    ['a chunkSize of 0', { chunkSize: 0 }, 'chunkSize'],
    ['a chunkSize of 1.5', { chunkSize: 1.5 }, 'chunkSize'],
    ['keepRequests of 0', { keepRequests: 0 }, 'keepRequests'],
    ['keepRequests of NaN', { keepRequests: Number.NaN }, 'keepRequests'],
    ['a seed of Infinity', { seed: Number.POSITIVE_INFINITY }, 'seed'],
    ['a modelVersion that is a number', { modelVersion: 3 }, 'modelVersion'],
    [
      'an unknown gateway mistake in a list',
      { gatewayMistakes: ['trailing-done', 'oops'] },
      'gatewayMistakes',
    ],
    ['a gateway mistake of null', { gatewayMistakes: null }, 'gatewayMistakes'],
    ['onRequest as an object', { onRequest: {} }, 'onRequest'],
    ['a negative minCacheTokens', { minCacheTokens: -1 }, 'minCacheTokens'],
    [
      'breakChunks of strings',
      { filesApi: { breakChunks: [{ chunk: '1', keepBytes: 2 }] } },
      'filesApi.breakChunks',
    ],
    ['a processingPolls of -1', { filesApi: { processingPolls: -1 } }, 'filesApi.processingPolls'],
    [
      'a dropStreamAfterEvents of 2.5',
      { interactions: { dropStreamAfterEvents: 2.5 } },
      'interactions.dropStreamAfterEvents',
    ],
  ] as const)('names %s', (_case, options, argument) => {
    const make = () => createFakeGemini(options as never);
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(expect.objectContaining({ argument }));
  });

  it('takes each option in its documented forms', () => {
    for (const options of [
      { models: 'pattern' },
      { models: (model: string) => model.startsWith('x') },
      { keepRequests: Number.POSITIVE_INFINITY },
      { gatewayMistakes: 'trailing-done' },
      { signatureValidation: 'off' },
      { filesApi: { processingPolls: () => 0 } },
      { seed: -3.5 },
    ] as const) {
      expect(() => createFakeGemini(options as never)).not.toThrow();
    }
  });

  it.each([
    ['a port past 65535', { port: 70_000 }, 'port'],
    ['a port of -1', { port: -1 }, 'port'],
    ['a host that is a number', { host: 127 }, 'host'],
    ['a maxBodyBytes of 0', { maxBodyBytes: 0 }, 'maxBodyBytes'],
    ['a misspelt option', { prot: 0 }, 'prot'],
  ] as const)('listen() names %s', async (_case, options, argument) => {
    const fake = createFakeGemini();
    try {
      const error = await fake.listen(options as never).catch((thrown: unknown) => thrown);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toContain(argument);
    } finally {
      await fake.close();
    }
  });
});
