// packages/dbos README: a durable chat turn with its thread by reference (typechecked only: it needs Postgres and a fleet).
import { createPostgresHistoryStore, type DurableRuns, sendDurableChatTurn } from '@gemloop/dbos';

declare const runs: DurableRuns;
declare const databaseUrl: string;
declare const userId: string;
declare const message: string;

const store = createPostgresHistoryStore({ connectionString: databaseUrl }); // the workers' databaseUrl
const result = await sendDurableChatTurn({
  runs,
  store,
  sessionId: `user-${userId}`,
  agent: 'support',
  message,
  historyByReference: true,
});
console.log(result.text);
