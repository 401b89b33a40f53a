// docs/serving-a2a.md, "Durable tasks": the door's tasks as durable runs of a fleet of workers,
// their state in Postgres (typechecked only: it needs Postgres and workers;
// packages/dbos/src/a2a/durable-a2a-tasks.test.ts runs it against both).
import { createDurableRuns } from '@gemloop/dbos';
import { createPostgresTaskStore } from '@gemloop/dbos/a2a';
import { createA2AHandler } from '@gemloop/serve/a2a';
import { ownerOfKey } from '../serving-openai/support-handler.ts';

const databaseUrl = process.env.DATABASE_URL!;
const keys: Record<string, string> = { alice: process.env['ALICE_KEY'] ?? '' };
// The examples package has no pg of its own; an app makes the pool with `new pg.Pool(...)`.
declare const pool: Parameters<typeof createPostgresTaskStore>[0]['pool'];

const runs = await createDurableRuns({ databaseUrl });
const handler = createA2AHandler({
  card: { name: 'Support', description: 'Answers questions about orders.' },
  authorize: ownerOfKey(keys),
  // 'support' is the agent every worker defines (startDurableWorker({ agents: { support } })).
  durable: { runs, agent: 'support' },
  // pool: a pg.Pool on the same database (new pg.Pool({ connectionString: databaseUrl })).
  taskStore: createPostgresTaskStore({ pool }),
});

export { handler };
