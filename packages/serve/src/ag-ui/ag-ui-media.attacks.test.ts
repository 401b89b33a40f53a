import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { mediaPerRequest, PNG } from '../door/__fixtures__/media-samples.ts';
import { MAX_MEDIA_PARTS } from '../door/read-media-part.ts';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// attack55b: AG-UI's client sends the whole conversation with every run ("Everything the
// producer knows about the conversation arrives through" the run input), so a page's thread
// holding more images than one request may take sends them all again on each run, though the
// server's thread has its own history and reads only the last message. The media cap is on what
// the run sends to Gemini as the caller's: the last message, and the earlier ones only when they
// seed a thread the server does not have.

const image = { type: 'image', source: { type: 'data', value: PNG, mimeType: 'image/png' } };
const images = (count: number) => Array.from({ length: count }, () => image);

const runInput = (messages: unknown[]) =>
  JSON.stringify({
    threadId: crypto.randomUUID(),
    runId: crypto.randomUUID(),
    state: {},
    messages,
    tools: [],
    context: [],
    forwardedProps: {},
  });

describe('AG-UI door media across a thread (attack55b)', () => {
  it(`a page whose thread holds more than ${MAX_MEDIA_PARTS} images goes on: the server's thread is read, not the page's copy`, async () => {
    const { client, fake } = await serveAgUi([turn.text('Forty.'), turn.text('Seventy.')]);
    const http = client('alice', 'thread-many-images');
    http.addMessage({ id: 'm1', role: 'user', content: images(40) } as never);
    await http.runAgent({});
    http.addMessage({ id: 'm3', role: 'user', content: images(30) } as never);
    const second = await http.runAgent({}).catch((error: unknown) => error);
    expect(second).not.toBeInstanceOf(Error);
    expect(http.messages.at(-1)?.content).toBe('Seventy.');
    expect(mediaPerRequest(fake.requests)).toEqual([40, 70]);
  });

  it(`a new thread seeded from the client's history counts it: ${MAX_MEDIA_PARTS} taken, one more refused before any model call`, async () => {
    const { post, fake } = await serveAgUi([turn.text('Seen.')]);
    const seeded = (last: number) => [
      { id: 'm1', role: 'user', content: images(40) },
      { id: 'm2', role: 'assistant', content: 'Nice.' },
      { id: 'm3', role: 'user', content: images(last) },
    ];
    const refused = await post(runInput(seeded(MAX_MEDIA_PARTS - 40 + 1)));
    expect(refused.status).toBe(400);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain(`at most ${MAX_MEDIA_PARTS}`);
    expect(fake.requests).toHaveLength(0);
    const taken = await post(runInput(seeded(MAX_MEDIA_PARTS - 40)));
    expect(taken.status).toBe(200);
    await taken.text();
    expect(mediaPerRequest(fake.requests)).toEqual([MAX_MEDIA_PARTS]);
  });

  it(`the last message alone holds at most ${MAX_MEDIA_PARTS}, on a live thread too`, async () => {
    const { client, fake } = await serveAgUi([turn.text('One.')]);
    const http = client('alice', 'thread-last-too-many');
    http.addMessage({ id: 'm1', role: 'user', content: 'Hello' });
    await http.runAgent({});
    http.addMessage({ id: 'm3', role: 'user', content: images(MAX_MEDIA_PARTS + 1) } as never);
    const refused = await http.runAgent({}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(fake.requests).toHaveLength(1);
  });
});
