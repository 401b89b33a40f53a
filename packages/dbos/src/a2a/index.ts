// @gemloop/dbos/a2a: durable A2A tasks. The A2A door (@gemloop/serve/a2a) takes the durable runs
// (`durable: { runs, agent }`) and this Postgres task store, shared by every worker's door.

export { createPostgresTaskStore } from './postgres-task-store.ts';
