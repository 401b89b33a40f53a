import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { getModelCapabilities } from './model-capabilities.ts';

// attack60d: the capability overrides (the agent's `capabilities` option, getModelCapabilities'
// second argument) were spread over the model's row unchecked: `{ generaton: 3 }` was ignored
// without a word (a gateway alias stayed an unknown model: no thought signatures, no thinking
// settings), `{ generation: 'x' }`, `{ thinking: 'levels' }` or `{ inputTokenLimit: NaN }` were
// used as given, and `{ generation: undefined }` erased what the table knows.

const gemini = createGemini({
  apiKey: 'test-key',
  fetch: () => Promise.reject(new Error('no request expected')),
});

const wrong: [overrides: Record<string, unknown>, argument: string, message: RegExp][] = [
  [{ generaton: 3 }, 'capabilities.generaton', /Did you mean 'generation'\?/],
  [
    { requiresThoughtSignature: true },
    'capabilities.requiresThoughtSignature',
    /'requiresThoughtSignatures'/,
  ],
  [{ generation: 'x' }, 'capabilities.generation', /positive number such as 3; got "x"/],
  [{ generation: Number.NaN }, 'capabilities.generation', /got NaN/],
  [{ generation: -3 }, 'capabilities.generation', /got -3/],
  [{ thinking: 'levels' }, 'capabilities.thinking', /'level', 'budget' or 'none'/],
  [{ requiresThoughtSignatures: 'yes' }, 'capabilities.requiresThoughtSignatures', /true or false/],
  [{ inputTokenLimit: Number.NaN }, 'capabilities.inputTokenLimit', /integer of at least 1/],
  [{ outputTokenLimit: 1.5 }, 'capabilities.outputTokenLimit', /integer of at least 1/],
  [{ lowestThinkingLevel: '' }, 'capabilities.lowestThinkingLevel', /non-empty string/],
  [JSON.parse('{"__proto__": {"generation": 3}}'), 'capabilities.__proto__', /has no option/],
];

describe('capability overrides are checked', () => {
  for (const [overrides, argument, message] of wrong) {
    it(`names ${argument} for ${JSON.stringify(overrides)}`, () => {
      for (const make of [
        () => getModelCapabilities('my-gateway-alias', overrides),
        () => createAgent({ gemini, model: 'my-gateway-alias', capabilities: overrides }),
      ]) {
        expect(make).toThrow(InvalidArgumentError);
        expect(make).toThrow(expect.objectContaining({ argument }));
        expect(make).toThrow(message);
      }
    });
  }

  it('takes every field of ModelCapabilities, an open thinking level among them', () => {
    const capabilities = getModelCapabilities('my-gateway-alias', {
      generation: 3,
      requiresThoughtSignatures: true,
      thinking: 'level',
      lowestThinkingLevel: 'LOW',
      highestThinkingLevel: 'ULTRA',
      inputTokenLimit: 1_048_576,
    });
    expect(capabilities).toMatchObject({
      generation: 3,
      requiresThoughtSignatures: true,
      highestThinkingLevel: 'ULTRA',
      inputTokenLimit: 1_048_576,
    });
  });

  it('leaves out a field given as undefined, as every option', () => {
    const known = getModelCapabilities('gemini-3-flash-preview');
    expect(getModelCapabilities('gemini-3-flash-preview', { generation: undefined })).toEqual(
      known,
    );
  });

  it('reads each override once', () => {
    let reads = 0;
    const overrides = Object.defineProperty({}, 'generation', {
      enumerable: true,
      get: () => (reads++ === 0 ? 3 : 'x'),
    });
    expect(getModelCapabilities('my-gateway-alias', overrides).generation).toBe(3);
    expect(reads).toBe(1);
  });
});
