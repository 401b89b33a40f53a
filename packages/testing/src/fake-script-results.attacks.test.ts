import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from './create-fake-gemini.ts';
import type { FakeTurn } from './script/fake-turn.ts';

// A script function that answers no turn (a forgotten `return`, a value in place of
// `turn.text(...)`) or throws something that cannot be printed: the client gets the fake's own
// Google-shaped 400 naming the mistake, never a 500 with a TypeError nor an empty 200 answer.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

type ErrorBody = {
  error: { code: number; message: string; status: string; details: { reason?: string }[] };
};

async function answer(script: () => unknown): Promise<{ status: number; body: ErrorBody }> {
  const fake = createFakeGemini({ script: script as () => FakeTurn });
  fakes.push(fake);
  const { url } = await fake.listen();
  const response = await fetch(`${url}/v1beta/models/gemini-2.5-flash:generateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
  });
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

describe('a script function that returns no turn', () => {
  for (const [name, value] of [
    ['undefined (a forgotten return)', undefined],
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
    ['a list', [{ parts: [{ text: 'hi' }] }]],
  ] as const) {
    it(`answers ${name} with a 400 naming what it returned and what to return`, async () => {
      const { status, body } = await answer(() => value);
      expect(status).toBe(400);
      expect(body.error.status).toBe('FAILED_PRECONDITION');
      expect(body.error.message).toContain('[gemloop fake] The script returned');
      expect(body.error.message).toContain('for model call #1');
      expect(body.error.message).toContain('turn.text(');
      expect(body.error.details[0]?.reason).toBe('SCRIPT_RETURNED_NO_TURN');
    });
  }
});

describe('a script function that throws what cannot be printed', () => {
  it('answers a thrown value whose toString throws with the fake’s 400', async () => {
    const { status, body } = await answer(() => {
      throw {
        toString() {
          throw new Error('no string for you');
        },
      };
    });
    expect(status).toBe(400);
    expect(body.error.message).toContain('The script threw for model call #1');
    expect(body.error.details[0]?.reason).toBe('SCRIPT_THREW');
  });

  it('answers a thrown proxy whose every read throws the same way', async () => {
    const { status, body } = await answer(async () => {
      throw new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
          getPrototypeOf() {
            throw new Error('trap');
          },
        },
      );
    });
    expect(status).toBe(400);
    expect(body.error.message).toContain('The script threw for model call #1');
  });
});
