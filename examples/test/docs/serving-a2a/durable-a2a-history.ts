// docs/serving-a2a.md, "A durable context's conversation": `durable.history`, every door of a
// fleet on one Postgres history store (typechecked only: it needs Postgres and workers;
// packages/dbos/src/a2a/durable-a2a-context-history.test.ts runs it against both, in both modes).
import { createDurableRuns, createPostgresHistoryStore } from '@gemloop/dbos';
import { createPostgresTaskStore } from '@gemloop/dbos/a2a';
import { createA2AHandler } from '@gemloop/serve/a2a';
import { ownerOfKey } from '../serving-openai/support-handler.ts';

const databaseUrl = process.env.DATABASE_URL!;
const keys: Record<string, string> = { alice: process.env['ALICE_KEY'] ?? '' };
// The examples package has no pg of its own; an app makes the pool with `new pg.Pool(...)`.
declare const pool: Parameters<typeof createPostgresTaskStore>[0]['pool'];

const runs = await createDurableRuns({ databaseUrl });
const conversing = createA2AHandler({
  card: { name: 'Support', description: 'Answers questions about orders.' },
  authorize: ownerOfKey(keys),
  durable: {
    runs,
    agent: 'support',
    history: createPostgresHistoryStore({ pool }),
    // Optional: stored with each turn, as sendDurableChatTurn's `model` (another model's turns
    // then go without their thought signatures).
    model: 'gemini-3-flash-preview',
  },
  taskStore: createPostgresTaskStore({ pool }),
});

// "A context by reference": each task's run names the context's turns by the store's reference
// (the store in the workers' database), not the whole conversation in its input.
const referring = createA2AHandler({
  card: { name: 'Support', description: 'Answers questions about orders.' },
  authorize: ownerOfKey(keys),
  durable: {
    runs,
    agent: 'support',
    history: createPostgresHistoryStore({ pool }), // in the workers' database
    historyByReference: true,
  },
  taskStore: createPostgresTaskStore({ pool }),
});

export { conversing, referring };
