import { describe, expect, it } from 'vitest';
import { estimateContentTokens } from '../history/estimate-tokens.ts';
import { validateHistory } from '../history/validate-history.ts';
import type { Content, Part } from '../wire/content.ts';
import type { ChatHistoryLimit } from './chat-history-limit.ts';
import type { ChatTurn } from './history-store.ts';
import { selectHistory, startsWithUserMessage, turnTokens } from './select-history.ts';

// Stored turns shaped as the agent saves them on Gemini 3: signed first calls, ids echoed.
let nextId = 0;
const signature = (): string => btoa(`signature-${nextId++}`.padEnd(24, '.'));

function user(text: string): Content {
  return { role: 'user', parts: [{ text }] };
}
function answer(text: string): Content {
  return { role: 'model', parts: [{ text, thoughtSignature: signature() }] };
}
function callStep(calls: number): Content[] {
  const ids = Array.from({ length: calls }, () => `c${nextId++}`);
  const callParts: Part[] = ids.map((id, index) => ({
    functionCall: { id, name: 'lookup', args: { index } },
    ...(index === 0 ? { thoughtSignature: signature() } : {}),
  }));
  return [
    { role: 'model', parts: callParts },
    {
      role: 'user',
      parts: ids.map((id) => ({ functionResponse: { id, name: 'lookup', response: { ok: id } } })),
    },
  ];
}

const text = (tokens?: number): ChatTurn => ({
  contents: [user('What now?'), answer('This.')],
  tokenCount: tokens,
});
/** A tool loop: `steps` model turns of `parallel` calls each, then an answer (or not). */
const tools = (steps: number, parallel: number, tokens?: number, final = true): ChatTurn => ({
  contents: [
    user('Look it up'),
    ...Array.from({ length: steps }, () => callStep(parallel)).flat(),
    ...(final ? [answer('Found it.')] : []),
  ],
  tokenCount: tokens,
});
const image = (tokens?: number): ChatTurn => ({
  contents: [
    { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }] },
    answer('A cat.'),
  ],
  tokenCount: tokens,
});
/** A turn whose bad answer was re-asked: the note is a second user content. */
const reasked = (tokens?: number): ChatTurn => ({
  contents: [user('Give JSON'), user('That was not JSON; answer again.'), answer('{}')],
  tokenCount: tokens,
});
/** A stored turn that does not start with a user message (hand-made or foreign store). */
const glued = (tokens?: number): ChatTurn => ({
  contents: [answer('(continued)')],
  tokenCount: tokens,
});

const message = user('And then?');

type Case = [
  name: string,
  turns: ChatTurn[],
  limit: ChatHistoryLimit | undefined,
  messageTokens: number,
  sentTurns: number,
];

const cases: Case[] = [
  ['no limit sends everything', [text(), tools(2, 3), text()], undefined, 5, 3],
  [
    'maxTurns keeps the newest turns',
    [text(), tools(1, 2), image(), text()],
    { maxTurns: 2 },
    5,
    2,
  ],
  ['maxTurns 0 sends the message alone', [text(), text()], { maxTurns: 0 }, 5, 0],
  ['maxTurns above the count sends all', [text(), text()], { maxTurns: 9 }, 5, 2],
  ['maxTokens fits exactly', [text(10), text(10), text(10)], { maxTokens: 25 }, 5, 2],
  ['maxTokens one short drops one more', [text(10), text(10), text(10)], { maxTokens: 24 }, 5, 1],
  ['maxTokens smaller than the message', [text(1), text(1)], { maxTokens: 4 }, 5, 0],
  [
    'a long tool loop is dropped whole, with everything older',
    [text(1), tools(20, 2, 5_000), text(10), tools(3, 4, 20)],
    { maxTokens: 1_000 },
    5,
    2,
  ],
  [
    'parallel calls are never split from their responses',
    [tools(1, 5, 30), tools(2, 3, 30), tools(1, 1, 30)],
    { maxTokens: 70 },
    5,
    2,
  ],
  [
    'both limits: the tighter one wins',
    [text(1), text(1), text(1)],
    { maxTurns: 2, maxTokens: 7 },
    5,
    2,
  ],
  [
    'both limits: tokens tighter',
    [text(5), text(5), text(5)],
    { maxTurns: 3, maxTokens: 12 },
    1,
    2,
  ],
  [
    'a turn that ended at max-steps (calls answered, no answer) is whole',
    [text(), tools(2, 2, undefined, false), text()],
    { maxTurns: 2 },
    5,
    2,
  ],
  ['an image-only message starts a turn', [text(), image(), text()], { maxTurns: 2 }, 5, 2],
  ['a re-asked turn keeps its note', [text(), reasked(), text()], { maxTurns: 2 }, 5, 2],
  [
    'a turn that starts with a model content stays with the turn before it',
    [text(1), tools(1, 1, 1), glued(1), text(1)],
    { maxTurns: 2 },
    5,
    1,
  ],
  [
    'the glued pair goes in when both fit',
    [text(1), tools(1, 1, 1), glued(1), text(1)],
    { maxTurns: 3 },
    5,
    3,
  ],
  [
    'a first turn that does not start with a user message is left out',
    [glued(1), text(1)],
    { maxTurns: 5, maxTokens: 100 },
    5,
    1,
  ],
];

describe('selectHistory', () => {
  it.each(cases)('%s', (_name, turns, limit, messageTokens, sentTurns) => {
    const selected = selectHistory(turns, limit, messageTokens);

    expect(selected.sentTurns).toBe(sentTurns);
    expect(selected.droppedTurns).toBe(turns.length - sentTurns);
    expect(selected.contents).toEqual(
      turns.slice(turns.length - sentTurns).flatMap((t) => t.contents),
    );
    if (selected.contents.length > 0) {
      expect(startsWithUserMessage({ contents: selected.contents })).toBe(true);
    }
    // Everything sent is a history the API accepts, Gemini 3 signature rules included.
    expect(
      validateHistory([...selected.contents, message], { requireThoughtSignatures: true }),
    ).toEqual([]);
  });

  it('keeps every invariant over many random conversations and limits', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const makers = [
      () => text(random(50)),
      () => tools(1 + random(8), 1 + random(4), random(2) === 0 ? undefined : random(400)),
      () => tools(1 + random(3), 1 + random(3), random(300), false),
      () => image(random(300)),
      () => reasked(),
    ];
    for (let round = 0; round < 200; round++) {
      const turns = Array.from({ length: random(12) }, () => makers[random(makers.length)]!());
      const limit: ChatHistoryLimit = {
        maxTurns: random(3) === 0 ? undefined : random(14),
        maxTokens: random(3) === 0 ? undefined : 1 + random(2_000),
      };
      const selected = selectHistory(turns, limit, random(40));
      const kept = turns.slice(turns.length - selected.sentTurns);

      expect(selected.contents).toEqual(kept.flatMap((t) => t.contents));
      expect(selected.sentTurns).toBeLessThanOrEqual(limit.maxTurns ?? Number.POSITIVE_INFINITY);
      if (limit.maxTokens !== undefined && selected.sentTurns > 0) {
        expect(selected.tokens).toBeLessThanOrEqual(limit.maxTokens);
      }
      expect(
        validateHistory([...selected.contents, message], { requireThoughtSignatures: true }),
      ).toEqual([]);
      // The newest turns that fit are all sent: one more would break a limit.
      const next = turns[turns.length - selected.sentTurns - 1];
      if (next !== undefined) {
        const tooMany = selected.sentTurns + 1 > (limit.maxTurns ?? Number.POSITIVE_INFINITY);
        const tooLarge =
          limit.maxTokens !== undefined &&
          (selected.tokens as number) + turnTokens(next) > limit.maxTokens;
        expect(tooMany || tooLarge).toBe(true);
      }
    }
  });

  it('estimates turns saved without a token count, once per turn object', () => {
    const turn: ChatTurn = { contents: [user('a'.repeat(400)), answer('b'.repeat(400))] };

    const selected = selectHistory([turn], { maxTokens: 1_000 }, 0);

    expect(selected.tokens).toBe(estimateContentTokens(turn.contents));
    expect(selected.tokens).toBe(200);
    expect(selectHistory([turn], { maxTokens: 199 }, 0).sentTurns).toBe(0);
  });
});

describe('estimateContentTokens', () => {
  it('counts four characters a token, 258 per media part, and no signatures', () => {
    expect(estimateContentTokens([user('abcd'.repeat(10))])).toBe(10);
    expect(
      estimateContentTokens([
        {
          role: 'user',
          parts: [
            { inlineData: { mimeType: 'image/png', data: 'A'.repeat(10_000) } },
            { fileData: { fileUri: 'gs://x', mimeType: 'application/pdf' } },
          ],
        },
      ]),
    ).toBe(516);
    expect(estimateContentTokens([answer('abcd')])).toBe(1);
    // A call counts its name and its arguments, keys included: "lookup" + "index" + 2 for 0.
    expect(
      estimateContentTokens([
        { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { index: 0 } } }] },
      ]),
    ).toBe(Math.ceil((6 + 5 + 2) / 4));
  });
});
