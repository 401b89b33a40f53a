import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { InvalidArgumentError } from '@gemloop/core';
import { openCheckedPool } from '../../errors/check-postgres.ts';
import { EVENTS_STREAM_KEY, type EventBatch } from '../events/run-events.ts';
import { createRunsApi } from './create-runs-api.ts';
import {
  DEFAULT_APP_NAME,
  type DurableRunResult,
  RUN_WORKFLOW,
  RUNS_QUEUE,
} from './durable-run-types.ts';
import type { DurableRuns } from './durable-runs.ts';
import { migrateClientSchema } from './migrate-client-schema.ts';
import { createRunEndNotices } from './run-end-notices.ts';
import { type RunInputLimitOptions, runInputLimitOptions } from './run-input-limit.ts';

/** Options of {@link createDurableRuns}. */
export type CreateDurableRunsOptions = RunInputLimitOptions & {
  /** The DBOS system database the workers use (`postgres://user:password@host:port/db`). */
  databaseUrl: string;
  /** The fleet's name in that database. @defaultValue `'gemloop'` */
  appName?: string | undefined;
  /**
   * How often waits (results, events) poll when no notification arrives. A top run's `result()`,
   * which the run's end notice wakes, slows its poll to once a second as it waits.
   * @defaultValue DBOS's
   */
  pollingIntervalMs?: number | undefined;
};

/**
 * Connects to a fleet's DBOS system database to drive its runs from any process.
 * @throws {@link PostgresUnreachableError} when Postgres cannot be reached (password redacted).
 * @example
 * ```ts
 * const runs = await createDurableRuns({ databaseUrl: process.env.DATABASE_URL! });
 * const { runId } = await runs.start('support', { runId: 'ticket-42', input: 'Refund order 7' });
 * for await (const { event } of runs.events(runId)) console.log(event.type);
 * ```
 */
export async function createDurableRuns({
  databaseUrl,
  appName = DEFAULT_APP_NAME,
  pollingIntervalMs,
  maxInputBytes,
}: CreateDurableRunsOptions): Promise<DurableRuns> {
  if (typeof databaseUrl !== 'string' || databaseUrl === '') {
    throw new InvalidArgumentError({
      argument: 'databaseUrl',
      message: 'createDurableRuns: databaseUrl must be a Postgres connection string.',
    });
  }
  runInputLimitOptions.check({ maxInputBytes }, 'createDurableRuns');
  // Its first connection is the check, and reads the schema's version next.
  const pool = await openCheckedPool({
    connectionString: databaseUrl,
    max: 2,
    purpose: 'the DBOS system database',
  });
  const client = await DBOSClient.create({
    systemDatabaseUrl: databaseUrl,
    applicationName: appName,
  }).catch(async (error: unknown) => {
    await pool.end().catch(() => {});
    throw error;
  });
  const polling = pollingIntervalMs === undefined ? {} : { pollingIntervalMs };
  // One statement when the fleet's database is current (migrate-client-schema.ts).
  await migrateClientSchema(pool);
  const notices = createRunEndNotices(databaseUrl);
  return createRunsApi({
    pool,
    notices,
    maxInputBytes,
    resume: async (runId) => {
      await client.resumeWorkflow(runId, { queueName: RUNS_QUEUE });
    },
    ...(pollingIntervalMs === undefined ? {} : { pollingIntervalMs }),
    enqueue: async (agent, runId, input, attributes) => {
      await client.enqueue(
        { workflowName: RUN_WORKFLOW, queueName: RUNS_QUEUE, workflowID: runId, attributes },
        agent,
        input,
      );
    },
    getResult: (runId) => client.retrieveWorkflow<DurableRunResult>(runId).getResult(polling),
    getStatus: async (runId) =>
      (
        await client.listWorkflows({ workflowIDs: [runId], loadInput: false, loadOutput: false })
      )[0],
    readStream: (runId, offset) =>
      client.readStream<EventBatch>(runId, EVENTS_STREAM_KEY, { offset, ...polling }),
    getEvent: (runId, key) => client.getEvent(runId, key, { timeoutSeconds: 0 }),
    send: (runId, message, topic, key) => client.send(runId, message, topic, key),
    // With the run's subagents (child workflows): DBOS cancels only the workflow named unless
    // told (`cancelChildren`, `dist/src/system_database.js` `cancelWorkflows`, 5.3).
    cancel: (runId) => client.cancelWorkflow(runId, { cancelChildren: true }),
    listWorkflows: (input) => client.listWorkflows(input),
    close: async () => {
      await notices.close();
      await pool.end().catch(() => {});
      await client.destroy();
    },
  });
}
