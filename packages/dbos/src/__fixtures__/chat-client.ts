// One process of the two-process chat test: sends MESSAGES messages to one session, sending a
// message again when the store reports a conflict with the other process. Prints one JSON line
// per outcome.
import { createAgent, createChatSession, createGemini } from '@gemloop/core';
import { createPostgresHistoryStore, isChatSessionConflict } from '../index.ts';

const env = process.env;
const name = env['CLIENT_NAME'] as string;
const count = Number(env['MESSAGES'] ?? '5');
const store = createPostgresHistoryStore({ connectionString: env['DATABASE_URL'] as string });
const agent = createAgent({
  gemini: createGemini({ apiKey: 'test-key', baseUrl: env['FAKE_URL'] as string, retry: { maxRetries: 0 } }),
  model: 'gemini-3-flash-preview',
});
const chat = createChatSession({ agent, store, id: env['SESSION_ID'] as string });
for (let index = 0; index < count; index++) {
  const message = `${name}-${index}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await chat.send(message);
      process.stdout.write(`${JSON.stringify({ message, attempt, saved: true })}\n`);
      break;
    } catch (error) {
      if (!isChatSessionConflict(error) || attempt > 20) throw error;
      process.stdout.write(`${JSON.stringify({ message, attempt, conflict: true })}\n`);
    }
  }
}
await store.close();
