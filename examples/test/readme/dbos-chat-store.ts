// packages/dbos README: chat history in Postgres (typechecked only: it needs Postgres).
import { type Agent, createChatSession } from '@gemloop/core';
import { createPostgresHistoryStore } from '@gemloop/dbos';

declare const agent: Agent;
declare const userId: string;

const store = createPostgresHistoryStore({ connectionString: process.env.DATABASE_URL! });
const chat = createChatSession({ agent, store, id: `user-${userId}` });
console.log(chat.id);
