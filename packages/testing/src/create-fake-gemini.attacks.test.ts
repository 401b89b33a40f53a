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
