// README: a chat that remembers, in JSON-lines files.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createChatSession, createGemini } from '@gemloop/core';
import { createFileHistoryStore } from '@gemloop/core/chat';

const agent = createAgent({ gemini: createGemini(), model: 'gemini-3-flash-preview' });
const chat = createChatSession({
  agent,
  store: createFileHistoryStore({ directory: mkdtempSync(join(tmpdir(), 'chats-')) }),
  id: 'user-42',
  limit: { maxTurns: 20 },
});

await chat.send('Hi, I am Ada.');
const reply = await chat.send('What is my name?'); // the first exchange is sent with it
console.log(reply.text, chat.usage.totalTokenCount);
