import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listenForTest } from '../door/__fixtures__/serve-door.ts';
import { authorizeByKey, KEYS } from './__fixtures__/serve-openai.ts';
import { createOpenAIHandler } from './create-openai-handler.ts';

// leftovers61 (issue 53): the Responses door scrubbed the whole run result (the thread's history
// too) to send `result.text` and `usage`. Now only those are walked (the characters it saves are
// counted in core's keyless-events.showing.test.ts: serve's files share one module graph and
// mock nothing). What the client gets must stay as safe: no key, in any answer, at any send.

const GEMINI_KEY = 'gemini-secret-key';
const ANSWER_CHARS = 1000;
const SENDS = 8;
const model = 'support-agent';
const answerOf = (index: number): string =>
  `answer ${index}${index === 1 ? ` (key=${GEMINI_KEY})` : ''} ${'y'.repeat(ANSWER_CHARS)}`;

/** An agent on the fake whose n-th answer is `answerOf(n)`. */
function agentOnFake() {
  let answered = 0;
  const fake = createFakeGemini({
    script: () => {
      answered += 1;
      return turn.text(answerOf(answered));
    },
  });
  onTestFinished(() => fake.close());
  const gemini = createGemini({ apiKey: GEMINI_KEY, retry: false, fetch: fake.fetch });
  return { fake, agent: createAgent({ gemini, model: 'gemini-2.5-flash' }) };
}

/** The completed response of a body: the JSON one, or the streamed `response.completed`'s. */
function completedOf(text: string, stream: boolean): unknown {
  if (!stream) return JSON.parse(text);
  const last =
    text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .at(-1) ?? '';
  return (JSON.parse(last.slice('data: '.length)) as { response: unknown }).response;
}

async function serve() {
  const { fake, agent } = agentOnFake();
  const handler = createOpenAIHandler({ agents: { [model]: agent }, authorize: authorizeByKey });
  const base = await listenForTest(handler);
  let previous: string | undefined;
  const send = async (stream: boolean): Promise<string> => {
    const response = await fetch(`${base}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        input: 'Hi',
        stream,
        ...(previous === undefined ? {} : { previous_response_id: previous }),
      }),
    });
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(200);
    previous = (completedOf(text, stream) as { id: string }).id;
    return text;
  };
  return { send, fake };
}

describe('the Responses door scans what it sends (leftovers61)', () => {
  for (const stream of [false, true]) {
    const how = stream ? 'streamed' : 'unary';
    it(`${how}: a key in the answer never reaches the client`, async () => {
      const { send } = await serve();
      const first = await send(stream);
      expect(first).toContain('answer 1 (key=[redacted])');
      expect(first).not.toContain(GEMINI_KEY);
    });

    it(`${how}: a key in an old answer never reaches the client at the later sends`, async () => {
      const { send, fake } = await serve();
      const received: string[] = [];
      for (let index = 0; index < SENDS; index++) received.push(await send(stream));
      // The thread kept the key's turn (the model got it back at the last send), the client never.
      expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain(`key=${GEMINI_KEY}`);
      expect(received.join('\n')).not.toContain(GEMINI_KEY);
      expect(received.at(-1)).toContain(`answer ${SENDS}`);
    });
  }
});

/** `count` earlier items (alternating user and assistant) and a last question. */
function longInput(count: number) {
  const items = Array.from({ length: count }, (_, index) => ({
    role: index % 2 === 0 ? 'user' : 'assistant',
    content: `item ${index}`,
  }));
  return [...items, { role: 'user', content: 'And now?' }];
}

describe("a thread past the key walk's 10,000 objects (leftovers61)", () => {
  // The walk of a value fails closed past 10,000 objects: the rest becomes UNCHECKED. A run
  // result holds the whole thread (~16 objects a turn of a tool call and an answer: ~620 turns),
  // and `contents` comes first, so `usage` was the one replaced: the streamed response's usage
  // went out as NaN, JSON null. 4,000 earlier items (12,000 objects) reach it in one send.
  for (const stream of [false, true]) {
    it(`the ${stream ? 'streamed' : 'unary'} response still counts its tokens`, async () => {
      const { agent } = agentOnFake();
      const handler = createOpenAIHandler({
        agents: { [model]: agent },
        authorize: authorizeByKey,
      });
      const base = await listenForTest(handler);
      const response = await fetch(`${base}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, input: longInput(4000), stream }),
      });
      const text = await response.text();
      expect(response.status, text.slice(0, 300)).toBe(200);
      const { usage, output } = completedOf(text, stream) as {
        usage: { input_tokens: unknown; output_tokens: unknown; total_tokens: unknown };
        output: { content: { text: string }[] }[];
      };
      expect(output[0]?.content[0]?.text).toContain('answer 1');
      expect(typeof usage.input_tokens).toBe('number');
      expect(typeof usage.output_tokens).toBe('number');
      expect(typeof usage.total_tokens).toBe('number');
    });
  }
});
