import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import {
  enterpriseWebSearch,
  exaAiSearch,
  parallelAiSearch,
  retrieval,
} from './vertex-grounding-tools.ts';

// Shapes from @google/genai 3.1.0 (`Tool.enterpriseWebSearch`, `ToolExaAiSearch`,
// `ToolParallelAiSearch`, `Retrieval`).

describe('the Vertex grounding built-ins', () => {
  it('build the wire tools as given', () => {
    expect(enterpriseWebSearch({ excludeDomains: ['example.com'] })).toEqual({
      kind: 'builtin',
      type: 'enterpriseWebSearch',
      tool: { enterpriseWebSearch: { excludeDomains: ['example.com'] } },
    });
    expect(enterpriseWebSearch().tool).toEqual({ enterpriseWebSearch: {} });
    expect(exaAiSearch({ apiKey: 'exa-key', customConfigs: { numResults: 3 } }).tool).toEqual({
      exaAiSearch: { apiKey: 'exa-key', customConfigs: { numResults: 3 } },
    });
    expect(parallelAiSearch({ enableZeroDataRetention: true }).tool).toEqual({
      parallelAiSearch: { enableZeroDataRetention: true },
    });
    const store = { ragResources: [{ ragCorpus: 'projects/p/locations/l/ragCorpora/c' }] };
    expect(retrieval({ vertexRagStore: store }).tool).toEqual({
      retrieval: { vertexRagStore: store },
    });
  });

  it('refuse what the API cannot read, never echoing a key', () => {
    expect(() => exaAiSearch({ apiKey: '' })).toThrow(InvalidArgumentError);
    expect(() => exaAiSearch({ apiKey: 42 as unknown as string })).toThrow('apiKey');
    expect(() =>
      enterpriseWebSearch({ excludeDomains: 'example.com' as unknown as string[] }),
    ).toThrow('enterpriseWebSearch needs excludeDomains: a list of domains');
    expect(() => retrieval({})).toThrow('exactly one source');
    expect(() =>
      retrieval({ vertexAiSearch: { datastore: 'd' }, externalApi: { endpoint: 'https://x' } }),
    ).toThrow('got vertexAiSearch and externalApi');
    try {
      parallelAiSearch({ apiKey: 123 as unknown as string });
    } catch (error) {
      expect(String(error)).not.toContain('123');
    }
  });
});
