import { describe, expect, it } from 'vitest';
import type { Content, FunctionResponse } from '../wire/content.ts';
import { type ArtifactStore, ArtifactWrites, createMemoryArtifactStore } from './artifact-store.ts';
import {
  CLEARED_RESULT_KEY,
  type ClearToolResultsSettings,
  clearToolResults,
  contentBeforeClearing,
  isClearedResponse,
} from './clear-tool-results.ts';

// Clearing old tool results from a history: the pairing Gemini checks (call, name, id) stays,
// the placeholder says what was removed and how to get it back, recent contents are untouched,
// and the summarizer can still read what the model saw.

const big = (label: string) => ({
  rows: Array.from({ length: 60 }, (_, index) => `${label}-${index}`),
});

const callTurn = (name: string, id?: string): Content => ({
  role: 'model',
  parts: [{ functionCall: { name, args: {}, ...(id && { id }) } }],
});
const responseTurn = (...responses: FunctionResponse[]): Content => ({
  role: 'user',
  parts: responses.map((functionResponse) => ({ functionResponse })),
});

function settings(overrides: Partial<ClearToolResultsSettings> = {}): ClearToolResultsSettings {
  let next = 0;
  return {
    end: Number.POSITIVE_INFINITY,
    minTokens: 50,
    artifacts: undefined,
    writes: new ArtifactWrites(() => {}),
    newId: () => `artifact-${++next}`,
    ...overrides,
  };
}

const placeholder = (content: Content | undefined, part = 0): string => {
  const response = content?.parts?.[part]?.functionResponse?.response as
    | Record<string, unknown>
    | undefined;
  return String(response?.[CLEARED_RESULT_KEY]);
};

describe('clearToolResults', () => {
  const history: Content[] = [
    { role: 'user', parts: [{ text: 'Find the rows.' }] },
    callTurn('search', 'c1'),
    responseTurn({ name: 'search', id: 'c1', response: big('old') }),
    callTurn('search', 'c2'),
    responseTurn({ name: 'search', id: 'c2', response: big('recent') }),
  ];

  it('replaces old results with a placeholder, keeping name and id, and leaves contents from `end` on', () => {
    const { contents, cleared } = clearToolResults(history, settings({ end: 3 }));
    expect(cleared).toBe(1);
    const response = contents[2]?.parts?.[0]?.functionResponse;
    expect(response?.name).toBe('search');
    expect(response?.id).toBe('c1');
    expect(Object.keys(response?.response ?? {})).toEqual([CLEARED_RESULT_KEY]);
    expect(placeholder(contents[2])).toMatch(
      /^\[gemloop: result of search cleared to keep the context small \(\d+ tokens\); call search again if you need it\]$/,
    );
    // Untouched contents are the same objects (their serialised bytes and the cache prefix stay).
    for (const index of [0, 1, 3, 4]) expect(contents[index]).toBe(history[index]);
    expect(JSON.stringify(contents[4])).toContain('recent-59');
  });

  it('returns the same array when nothing is worth clearing, and never changes the input', () => {
    const before = JSON.stringify(history);
    const small = clearToolResults(history, settings({ minTokens: 1_000_000 }));
    expect(small.contents).toBe(history);
    expect(small.cleared).toBe(0);
    expect(clearToolResults(history, settings({ end: 0 })).contents).toBe(history);
    clearToolResults(history, settings());
    expect(JSON.stringify(history)).toBe(before);
  });

  it('clears a result once: a placeholder is not cleared again, nor counted', () => {
    const first = clearToolResults(history, settings({ minTokens: 1 }));
    expect(first.cleared).toBe(2);
    const second = clearToolResults(first.contents, settings({ minTokens: 1 }));
    expect(second.cleared).toBe(0);
    expect(second.contents).toBe(first.contents);
    expect(
      isClearedResponse(first.contents[2]?.parts?.[0]?.functionResponse as FunctionResponse),
    ).toBe(true);
  });

  it('keeps every result of a parallel turn in order, clearing only the large ones', () => {
    const turn = responseTurn(
      { name: 'a', response: big('a') },
      { name: 'b', response: { ok: true } },
      { name: 'c', response: big('c') },
    );
    const { contents, cleared } = clearToolResults([turn], settings());
    expect(cleared).toBe(2);
    const names = contents[0]?.parts?.map((part) => part.functionResponse?.name);
    expect(names).toEqual(['a', 'b', 'c']);
    expect(contents[0]?.parts?.[1]?.functionResponse?.response).toEqual({ ok: true });
    expect(placeholder(contents[0], 2)).toContain('result of c cleared');
  });

  it('keeps what a long-running call says (willContinue, scheduling) and counts its media parts', () => {
    const turn = responseTurn({
      name: 'render',
      id: 'r1',
      willContinue: true,
      scheduling: 'WHEN_IDLE',
      response: { note: 'x' },
      parts: [
        { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
        { inlineData: { mimeType: 'image/png', data: 'BBBB' } },
      ],
    } as FunctionResponse);
    const { contents } = clearToolResults([turn], settings({ minTokens: 1 }));
    const response = contents[0]?.parts?.[0]?.functionResponse;
    expect(response?.willContinue).toBe(true);
    expect(response?.scheduling).toBe('WHEN_IDLE');
    // The media parts go with the result; the placeholder says how many there were.
    expect(response?.parts).toBeUndefined();
    expect(placeholder(contents[0])).toMatch(/\(\d+ tokens and 2 media part\(s\)\)/);
  });

  it('keeps a cleared result in the artifact store and says the id to read it back with', async () => {
    const store = createMemoryArtifactStore();
    const writes = new ArtifactWrites(() => {});
    const { contents } = clearToolResults(history, settings({ artifacts: store, writes, end: 3 }));
    await writes.settle();
    expect(placeholder(contents[2])).toContain(
      'call read_tool_output with id "artifact-1" to read it again',
    );
    expect(JSON.parse((await store.get('artifact-1')) ?? 'null')).toEqual(big('old'));
  });

  it('reports a store that fails, and still clears (the placeholder goes out either way)', async () => {
    const failures: string[] = [];
    const failing: ArtifactStore = {
      put: (id) => (id === 'artifact-1' ? Promise.reject(new Error('disk full')) : undefined),
      get: () => undefined,
    };
    const throwing: ArtifactStore = {
      put: () => {
        throw new Error('read-only');
      },
      get: () => undefined,
    };
    for (const store of [failing, throwing]) {
      const writes = new ArtifactWrites((error, id) =>
        failures.push(`${id}: ${(error as Error).message}`),
      );
      const { cleared } = clearToolResults(history, settings({ artifacts: store, writes, end: 3 }));
      await writes.settle();
      expect(cleared).toBe(1);
    }
    expect(failures).toEqual(['artifact-1: disk full', 'artifact-1: read-only']);
  });

  it('leaves model contents, text-only user contents and hostile parts alone', () => {
    const odd: Content[] = [
      { role: 'model', parts: [{ functionResponse: { name: 'x', response: big('model') } }] },
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'user' } as Content,
      {
        role: 'user',
        parts: [null, { functionResponse: { name: 'y', response: 'text' } }],
      } as unknown as Content,
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'z', response: null } }],
      } as unknown as Content,
    ];
    const { contents, cleared } = clearToolResults(odd, settings({ minTokens: 0 }));
    expect(cleared).toBe(0);
    expect(contents).toBe(odd);
  });

  it("never takes a tool's own result for a placeholder unless it is one", () => {
    const lookalike = responseTurn({ name: 'tool', response: { ...big('own'), cleared: true } });
    expect(clearToolResults([lookalike], settings()).cleared).toBe(1);
    expect(isClearedResponse({ name: 'tool', response: { rows: [] } })).toBe(false);
  });
});

describe('contentBeforeClearing', () => {
  it('gives the content the model saw, through every clearing, and a content never cleared as it is', () => {
    const original = responseTurn(
      { name: 'a', response: big('a') },
      { name: 'b', response: big('b') },
    );
    const once = clearToolResults([original], settings({ minTokens: 1_000 }));
    expect(once.contents[0]).toBe(original);
    expect(contentBeforeClearing(original)).toBe(original);

    // Two clearings of the same content: the second copy still leads back to the first one.
    const first = clearToolResults(
      [responseTurn({ name: 'a', response: big('a') }, { name: 'b', response: { small: 1 } })],
      settings(),
    );
    const grown = {
      ...first.contents[0],
      parts: [
        ...(first.contents[0]?.parts ?? []).slice(0, 1),
        { functionResponse: { name: 'b', response: big('b') } },
      ],
    } as Content;
    const second = clearToolResults([grown], settings());
    const before = contentBeforeClearing(second.contents[0] as Content);
    expect(before).toBe(grown);
    expect(contentBeforeClearing(first.contents[0] as Content)).not.toBe(first.contents[0]);
    expect(JSON.stringify(contentBeforeClearing(first.contents[0] as Content))).toContain('a-59');
  });
});
