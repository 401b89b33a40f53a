// packages/dbos README: chat history in Postgres (typechecked only: it needs Postgres).
import type { Agent } from '@gemloop/core';
import { createPostgresHistoryStore } from '@gemloop/dbos';

declare const agent: Agent;
declare const userId: string;

const store = createPostgresHistoryStore({ connectionString: process.env.DATABASE_URL! });
const chat = agent.chat({ store, id: `user-${userId}` });
console.log(chat.id);
