// An app that reuses the objects of a message it sent (a parts list or a content it fills again
// for the next message, an image part whose data it swaps for the next frame) (chat68): the
// stored conversation keeps the message as it was sent. Before, the default memory store held the
// app's own part objects, so the next send sent, and the store kept, the first message rewritten
// (the file store, which keeps what it wrote, held).

import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import type { Content, Part } from '../wire/content.ts';
import { cleanUp, sentContents, serve, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import type { HistoryStore } from './history-store.ts';

afterEach(cleanUp);

const model = 'gemini-2.5-flash';
const frame = (data: string): Part => ({ inlineData: { mimeType: 'image/png', data } });

const stores: [string, () => Promise<HistoryStore | undefined>][] = [
  ['the default memory store', async () => undefined],
  ['a file store', async () => createFileHistoryStore({ directory: await temporaryDirectory() })],
];

describe.each(['send', 'sendStream'] as const)('a chat %s of a message the app reuses', (mode) => {
  it.each(stores)('keeps the first message as sent (%s)', async (_name, makeStore) => {
    const { fake, gemini } = await serve({ script: [turn.text('A cat.'), turn.text('A dog.')] });
    const chat = createChatSession({
      agent: createAgent({ gemini, model }),
      store: await makeStore(),
      id: 'frames',
    });
    const send = (message: Part[] | Content) =>
      mode === 'send' ? chat.send(message) : chat.sendStream(message).result;
    const text: Part = { text: 'What is this?' };
    const image = frame('Y2F0');
    const message: Content = { role: 'user', parts: [text, image] };
    await send(message);

    // The app fills the same objects for the next message.
    text.text = 'And this?';
    (image.inlineData as { data: string }).data = 'ZG9n';
    await send(message.parts);

    const first: Content = { role: 'user', parts: [{ text: 'What is this?' }, frame('Y2F0')] };
    expect(sentContents(fake, 1)[0]).toEqual(first);
    expect((await chat.history())[0]).toEqual(first);
    expect((await chat.history())[2]).toEqual({
      role: 'user',
      parts: [{ text: 'And this?' }, frame('ZG9n')],
    });
    await chat.close();
  });
});
