import { describe, expect, it } from 'vitest';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

// attack46b: the fake refuses a key the API does not know, as the API does. But a key the fake
// itself served in a model turn is one of the API's own (a newer API's `Part` member, a field on
// the Content or the call): the real API takes its own answer back, so must the fake. It did not:
// every replay of a recorded run whose model sent such a key failed at the next step with a 400
// "Unknown name" for the model's own Content (runEval's replay, forkRun past that step).

const served = {
  role: 'model',
  futureContentField: { z: true },
  parts: [
    { futureThing: { kind: 'chart' } },
    { functionCall: { name: 'lookup', args: {}, futureCallField: 1 } },
  ],
};

async function send(contents: unknown[], stream: boolean) {
  const fake = createFakeGemini({
    script: [
      turn.raw({ candidates: [{ content: served, finishReason: 'STOP' }] }),
      turn.text('ok'),
    ],
  });
  try {
    const url = `https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:${
      stream ? 'streamGenerateContent?alt=sse' : 'generateContent'
    }`;
    const post = (body: unknown) =>
      fake.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' },
        body: JSON.stringify(body),
      });
    const user = { role: 'user', parts: [{ text: 'Hi.' }] };
    expect((await post({ contents: [user] })).status).toBe(200);
    const response = await post({ contents: [user, ...contents] });
    return { status: response.status, text: await response.text() };
  } finally {
    await fake.close();
  }
}

const answered = { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: {} } }] };

describe('the fake takes back the keys it served in a model turn', () => {
  for (const stream of [false, true]) {
    const mode = stream ? 'streamed' : 'unary';
    it(`accepts the served turn sent back verbatim (${mode})`, async () => {
      const back = await send([served, answered], stream);
      expect(back.text).not.toContain('error');
      expect(back.status).toBe(200);
    });

    it(`still refuses a served key in a user turn, and a key it never served (${mode})`, async () => {
      const inUser = await send(
        [{ role: 'user', parts: [{ text: 'x', futureThing: {} }] }, served, answered],
        stream,
      );
      expect(inUser.status).toBe(400);
      expect(inUser.text).toContain(`Unknown name \\"futureThing\\" at 'contents[1].parts[0]'`);
      const unserved = await send(
        [{ ...served, parts: [{ text: 'x', futureOther: 1 }, ...served.parts] }, answered],
        stream,
      );
      expect(unserved.status).toBe(400);
      expect(unserved.text).toContain(`Unknown name \\"futureOther\\" at 'contents[1].parts[0]'`);
    });
  }
});
