import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import type { Content } from '../wire/content.ts';
import { memoryFake } from './__fixtures__/memory-fake.ts';
import { DEFAULT_EXTRACT_INSTRUCTIONS, extractMemories } from './extract-memories.ts';
import { MemoryError } from './memory-error.ts';

const MODEL = 'gemini-2.5-flash';

const conversation: Content[] = [
  { role: 'user', parts: [{ text: 'I am vegetarian and I travel by train.' }] },
  {
    role: 'model',
    parts: [
      { text: 'private reasoning about food', thought: true },
      { functionCall: { name: 'lookup', args: { q: 'trains' } } },
      { text: 'Noted.' },
    ],
  },
  { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { ok: true } } }] },
];

/** The generateContent request bodies the fake received. */
function extractorRequests(fake: Awaited<ReturnType<typeof memoryFake>>['fake']) {
  return fake.requests
    .filter(({ method }) => method === 'generateContent')
    .map(({ body }) => body as Record<string, unknown>);
}

describe('extractMemories', () => {
  it('sends only the words of the turns (no thoughts, calls or responses) and remembers each new item', async () => {
    const { fake, gemini, memory } = await memoryFake([
      turn.json({
        memories: [
          { text: 'The user is vegetarian (food).', kind: 'fact' },
          { text: '  The user travels by train.  ', kind: 'episode' },
        ],
      }),
    ]);
    const ids = await extractMemories({
      gemini,
      model: MODEL,
      memory,
      scope: 'ana',
      contents: conversation,
    });
    expect(ids).toHaveLength(2);
    const stored = await memory.list('ana');
    expect(stored.map(({ text, kind }) => [text, kind])).toEqual([
      ['The user is vegetarian (food).', 'fact'],
      ['The user travels by train.', 'episode'],
    ]);
    const [request] = extractorRequests(fake);
    const [sent] = (request?.['contents'] ?? []) as { role: string; parts: { text: string }[] }[];
    expect(sent?.role).toBe('user');
    expect(sent?.parts).toHaveLength(1);
    // One JSON line per turn with words (see extract-memories.attacks.test.ts).
    expect(sent?.parts[0]?.text).toMatch(
      /\n<transcript>\n\{"role":"user","text":"I am vegetarian and I travel by train\."\}\n\{"role":"assistant","text":"Noted\."\}\n<\/transcript>$/,
    );
    expect(JSON.stringify(request?.['systemInstruction'])).toContain(
      DEFAULT_EXTRACT_INSTRUCTIONS.slice(0, 40),
    );
    expect(request?.['generationConfig']).toMatchObject({ responseMimeType: 'application/json' });
  });

  it('calls no model for turns without words', async () => {
    const { fake, gemini, memory } = await memoryFake([]);
    const ids = await extractMemories({
      gemini,
      model: MODEL,
      memory,
      scope: 'ana',
      contents: [
        { role: 'user', parts: [{ text: '   ' }] },
        { role: 'model', parts: [{ text: 'thinking', thought: true }] },
        { role: 'user' } as Content,
      ],
    });
    expect(ids).toEqual([]);
    expect(extractorRequests(fake)).toEqual([]);
  });

  it('skips what is already remembered, and a duplicate within one answer', async () => {
    const { gemini, memory } = await memoryFake([
      turn.json({
        memories: [
          { text: 'The user travels by train.', kind: 'fact' },
          { text: 'The user has a cat.', kind: 'fact' },
          { text: 'The user has a cat.', kind: 'fact' },
        ],
      }),
    ]);
    await memory.remember('ana', 'The user travels by train.');
    const ids = await extractMemories({
      gemini,
      model: MODEL,
      memory,
      scope: 'ana',
      contents: conversation,
    });
    expect(ids).toHaveLength(1);
    expect((await memory.list('ana')).map(({ text }) => text)).toEqual([
      'The user travels by train.',
      'The user has a cat.',
    ]);
  });

  it('an extraction run twice at once (a takeover, a retried turn) stores each fact once', async () => {
    // Each run recalls before it remembers: run one after the other, the second finds the first's
    // memories; run at once, neither did, and each fact was stored twice under random ids.
    const answer = {
      memories: [
        { text: 'The user travels by train.', kind: 'fact' },
        { text: 'The user adopted a cat.', kind: 'episode' },
      ],
    };
    const { gemini, memory } = await memoryFake([turn.json(answer), turn.json(answer)]);
    const extraction = () =>
      extractMemories({ gemini, model: MODEL, memory, scope: 'ana', contents: conversation });
    const [first, second] = await Promise.all([extraction(), extraction()]);
    const stored = await memory.list('ana');
    expect(stored.map(({ text, kind }) => [text, kind])).toEqual([
      ['The user travels by train.', 'fact'],
      ['The user adopted a cat.', 'episode'],
    ]);
    // Both report the same memories: the ids are the extraction's own, not the store's.
    expect(first).toEqual(stored.map(({ id }) => id));
    expect(second).toEqual(first);
    // And once more after the fact: nothing new, and the same ids reported. (It reported none
    // when its recall found the first's memories as near-duplicates: at once, that happened when
    // one extraction finished before the other recalled, and the two reported different ids.)
    const { gemini: again } = await memoryFake([turn.json(answer)]);
    const third = await extractMemories({
      gemini: again,
      model: MODEL,
      memory,
      scope: 'ana',
      contents: conversation,
    });
    expect(third).toEqual(first);
    expect(await memory.list('ana')).toEqual(stored);
  });

  it('skips items that are not memories (no text, blank, too long, not objects) and reads an unknown kind as a fact', async () => {
    const { gemini, memory } = await memoryFake([
      turn.json({
        memories: [
          null,
          'a string',
          { kind: 'fact' },
          { text: '   ', kind: 'fact' },
          { text: 'x'.repeat(4001), kind: 'fact' },
          { text: 42, kind: 'fact' },
          { text: 'The user drinks tea.', kind: 'opinion' },
          { text: 'The user drinks coffee 😀.', __proto__: { kind: 'episode' } },
        ],
      }),
    ]);
    const ids = await extractMemories({
      gemini,
      model: MODEL,
      memory,
      scope: 'u',
      contents: conversation,
    });
    expect(ids).toHaveLength(2);
    expect((await memory.list('u')).map(({ text, kind }) => [text, kind])).toEqual([
      ['The user drinks tea.', 'fact'],
      ['The user drinks coffee 😀.', 'fact'],
    ]);
  });

  it('keeps at most 20 items of an answer that lists everything', async () => {
    const memories = Array.from({ length: 30 }, (_, index) => ({
      // Each its own word-embedding dimension would repeat; tell them apart by a word each.
      text: `${['lisbon', 'porto', 'train', 'plane', 'cat', 'dog', 'coffee', 'tea', 'pet', 'drink'][index % 10]} fact ${index}`,
      kind: 'fact',
    }));
    const { gemini, memory } = await memoryFake([turn.json({ memories })]);
    const ids = await extractMemories({
      gemini,
      model: MODEL,
      memory,
      scope: 'u',
      contents: conversation,
    });
    // Only the first 20 are read; of those, the second of each word is a duplicate.
    expect(ids).toHaveLength(10);
    expect((await memory.list('u')).every(({ text }) => Number(text.split(' ')[2]) < 20)).toBe(
      true,
    );
  });

  it('fails with a MemoryError (extract) when the answer is not the asked JSON, whatever it is instead', async () => {
    for (const answer of [
      'not json',
      '',
      'null',
      '42',
      '"text"',
      '[]',
      '{"memories":{}}',
      '{"memories":null}',
    ]) {
      const { gemini, memory } = await memoryFake([turn.text(answer)]);
      const error = await extractMemories({
        gemini,
        model: MODEL,
        memory,
        scope: 'u',
        contents: conversation,
      }).catch((thrown: unknown) => thrown);
      expect(MemoryError.isInstance(error), `answer ${JSON.stringify(answer)}`).toBe(true);
      expect((error as MemoryError).operation).toBe('extract');
      expect(await memory.list('u')).toEqual([]);
    }
  });

  it('reads the JSON of the answer without the thought parts a thinking model adds', async () => {
    const { gemini, memory } = await memoryFake([
      turn.parts([
        { text: 'Let me list {what I know', thought: true },
        { text: '{"memories":[{"text":"The user has a dog.","kind":"fact"}]}' },
      ]),
    ]);
    const ids = await extractMemories({
      gemini,
      model: MODEL,
      memory,
      scope: 'u',
      contents: conversation,
    });
    expect(ids).toHaveLength(1);
  });

  it('passes the signal to the model call: an aborted one stops the extraction', async () => {
    const { gemini, memory } = await memoryFake([turn.json({ memories: [] })]);
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    await expect(
      extractMemories({
        gemini,
        model: MODEL,
        memory,
        scope: 'u',
        contents: conversation,
        signal: controller.signal,
      }),
    ).rejects.toThrow();
    expect(await memory.list('u')).toEqual([]);
  });
});
