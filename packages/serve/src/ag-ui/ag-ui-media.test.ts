import type { BaseEvent } from '@ag-ui/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import {
  countingServer,
  PDF,
  PNG,
  lastRequestUserParts as userParts,
  WAV,
} from '../door/__fixtures__/media-samples.ts';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// Media through the AG-UI door, sent by `@ag-ui/client`'s HttpAgent: a user message's image,
// audio and document parts of base64 reach the fake Gemini as `inlineData` in order beside the
// text, and the thread's next run sends them again; a URL source is read only as a data URL.

const runInput = (content: unknown) =>
  JSON.stringify({
    threadId: crypto.randomUUID(),
    runId: crypto.randomUUID(),
    state: {},
    messages: [{ id: 'm1', role: 'user', content }],
    tools: [],
    context: [],
    forwardedProps: {},
  });

describe('AG-UI door: media', () => {
  it('sends image, audio and document parts as inlineData in order; the next run sends them again', async () => {
    const { client, fake } = await serveAgUi([
      turn.text('A cat, a beep, a form.'),
      turn.text('The form.'),
    ]);
    const http = client('alice', 'thread-media');
    http.addMessage({
      id: 'm1',
      role: 'user',
      content: [
        { type: 'text', text: 'What are ' },
        { type: 'text', text: 'these?' },
        { type: 'image', source: { type: 'data', value: PNG, mimeType: 'image/png' } },
        { type: 'audio', source: { type: 'data', value: WAV, mimeType: 'audio/wav' } },
        { type: 'document', source: { type: 'url', value: `data:application/pdf;base64,${PDF}` } },
      ],
    });
    const seen: BaseEvent[] = [];
    await http.runAgent({}, { onEvent: ({ event }) => void seen.push(event) });
    expect(seen.map((event) => event.type)).toContain('RUN_FINISHED');
    const sent = [
      { text: 'What are these?' },
      { inlineData: { mimeType: 'image/png', data: PNG } },
      { inlineData: { mimeType: 'audio/wav', data: WAV } },
      { inlineData: { mimeType: 'application/pdf', data: PDF } },
    ];
    expect(userParts(fake.requests)).toEqual([sent]);
    http.addMessage({ id: 'm3', role: 'user', content: 'Which was the form?' });
    await http.runAgent({});
    expect(userParts(fake.requests)).toEqual([sent, [{ text: 'Which was the form?' }]]);
  });

  it.each([
    [
      'an image that is text/html',
      { type: 'image', source: { type: 'data', value: 'PGI+', mimeType: 'text/html' } },
      'not an image',
    ],
    [
      'bad base64',
      { type: 'image', source: { type: 'data', value: 'no!', mimeType: 'image/png' } },
      'base64',
    ],
    [
      'a file source',
      { type: 'document', source: { type: 'file', value: 'file-123' } },
      'stored file',
    ],
    [
      'a remote URL',
      { type: 'image', source: { type: 'url', value: 'http://169.254.169.254/latest/meta-data' } },
      'data URL',
    ],
  ])('refuses %s with a 400 naming the part, no model call', async (_name, part, words) => {
    const { post, fake } = await serveAgUi([turn.text('never')]);
    const reply = await post(runInput([{ type: 'text', text: 'Look' }, part]));
    expect(reply.status).toBe(400);
    const { error } = (await reply.json()) as { error: { message: string; code: string } };
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('messages[0].content[1].source');
    expect(error.message).toContain(words);
    expect(fake.requests).toHaveLength(0);
  });

  it('never fetches a URL source naming 127.0.0.1', async () => {
    const { hits, url } = await countingServer();
    const { post, fake } = await serveAgUi([turn.text('never')]);
    const reply = await post(
      runInput([{ type: 'image', source: { type: 'url', value: url, mimeType: 'image/png' } }]),
    );
    expect(reply.status).toBe(400);
    expect(hits.count).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });
});
