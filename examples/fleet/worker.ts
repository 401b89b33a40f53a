// One worker process of the fleet: launches DBOS, runs the agents, takes over dead workers' runs.
// Started by fleet.ts (twice); FLEET_* variables say where Postgres and the model are.

import { createGemini } from '@gemloop/core';
import { startDurableWorker } from '@gemloop/dbos';
import { stopWithParent } from '../lib/stop-with-parent.ts';
import { fileLog, fleetAgents } from './agents.ts';

const env = process.env;
const name = env['FLEET_WORKER'] ?? 'worker';
const gemini = createGemini({
  apiKey: env['FLEET_API_KEY'],
  ...(env['FLEET_BASE_URL'] ? { baseUrl: env['FLEET_BASE_URL'] } : {}),
});
const worker = await startDurableWorker({
  databaseUrl: env['FLEET_DATABASE_URL'] as string,
  executorId: name,
  agents: fleetAgents({
    gemini,
    model: env['FLEET_MODEL'] ?? 'gemini-3-flash-preview',
    log: fileLog(env['FLEET_TOOL_LOG']),
  }),
  workerConcurrency: 4,
  pollingIntervalMs: 250,
  // Short, for the demo: a silent worker's runs move on after 3 s.
  takeover: { heartbeatMs: 500, deadAfterMs: 3000 },
  logLevel: 'error',
});
process.stdout.write(`${name} ready\n`);
// Stopped by its example, or gone with it when the example is killed (see stopWithParent).
stopWithParent(() => worker.shutdown({ handOver: true }));
