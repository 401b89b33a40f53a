import { afterEach, describe, expect, it } from 'vitest';
import { callFake } from '../__fixtures__/call-fake.ts';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

// What the fake adds to a turn as the API would (ids, signatures, the function-call finish
// message) and what it leaves out as the API does (empty texts, adjacent texts merged), judged
// on the wire.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const ask = { contents: [{ role: 'user', parts: [{ text: 'Go.' }] }] };

async function partsOf(script: ReturnType<typeof turn.parts>, model = 'gemini-3-flash-preview') {
  const fake = createFakeGemini({ script: [script] });
  fakes.push(fake);
  const { json } = await callFake(fake, ask, { model });
  const candidate = (
    json as {
      candidates: {
        content: { parts?: Record<string, unknown>[] };
        finishReason?: string;
        finishMessage?: string;
      }[];
    }
  ).candidates[0];
  return { parts: candidate?.content.parts ?? [], candidate };
}

describe('resolving a turn', () => {
  it('merges adjacent plain texts into one part and drops empty ones', async () => {
    const { parts } = await partsOf(turn.parts([{ text: 'Hel' }, { text: '' }, { text: 'lo.' }]));
    expect(parts.map(({ thoughtSignature: _signature, ...rest }) => rest)).toEqual([
      { text: 'Hello.' },
    ]);
  });

  it('keeps a thought apart from the answer after it', async () => {
    const { parts } = await partsOf(
      turn.parts([{ text: 'Thinking.', thought: true }, { text: 'Answer.' }]),
    );
    expect(parts.map((part) => [part['text'], part['thought'] === true])).toEqual([
      ['Thinking.', true],
      ['Answer.', false],
    ]);
    // Gemini 3 signs the last answer text, never the thought summary.
    expect(parts[0]).not.toHaveProperty('thoughtSignature');
    expect(parts[1]).toHaveProperty('thoughtSignature');
  });

  it('leaves a text written with thoughtSignature: null unsigned, even merged into the one before', async () => {
    const { parts } = await partsOf(
      turn.parts([{ text: 'a' }, { text: 'b', thoughtSignature: null as never }]),
    );
    expect(parts).toEqual([{ text: 'ab' }]);
  });

  it('keeps texts with different signatures apart', async () => {
    const { parts } = await partsOf(
      turn.parts(
        [
          { text: 'one', thoughtSignature: 'c2lnMQ==' },
          { text: 'two', thoughtSignature: 'c2lnMg==' },
        ],
        { signatures: 'none' },
      ),
    );
    expect(parts).toEqual([
      { text: 'one', thoughtSignature: 'c2lnMQ==' },
      { text: 'two', thoughtSignature: 'c2lnMg==' },
    ]);
  });

  it('says "Model generated function call(s)." only on a STOP with calls', async () => {
    const called = await partsOf(turn.call('f', {}));
    expect(called.candidate?.finishMessage).toBe('Model generated function call(s).');
    const cut = await partsOf(turn.call('f', {}, { finishReason: 'MAX_TOKENS' }));
    expect(cut.candidate?.finishMessage).toBeUndefined();
    const said = await partsOf(turn.call('f', {}, { finishMessage: 'custom' }));
    expect(said.candidate?.finishMessage).toBe('custom');
  });

  it('gives ids on Gemini 2.5 only when asked, and none when a call says null', async () => {
    const plain = await partsOf(turn.call('f', {}), 'gemini-2.5-flash');
    expect(plain.parts[0]?.['functionCall']).not.toHaveProperty('id');
    const asked = await partsOf(turn.call('f', {}, { callIds: true }), 'gemini-2.5-flash');
    expect(asked.parts[0]?.['functionCall']).toMatchObject({
      id: expect.stringMatching(/^[0-9a-z]{8}$/),
    });
    const none = await partsOf(turn.calls([{ name: 'f', id: null }]));
    expect(none.parts[0]?.['functionCall']).not.toHaveProperty('id');
  });
});
