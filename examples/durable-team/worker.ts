// One worker process of the durable team: launches DBOS and runs the coordinator (and its
// researcher, as child workflows). Started twice by durable-team.ts; TEAM_* say where things are.

import { createGemini } from '@gemloop/core';
import { startDurableWorker } from '@gemloop/dbos';
import { stopWithParent } from '../lib/stop-with-parent.ts';
import { fileLog, teamAgents } from './agents.ts';

const env = process.env;
const name = env['TEAM_WORKER'] ?? 'worker';
const gemini = createGemini({
  apiKey: env['TEAM_API_KEY'],
  ...(env['TEAM_BASE_URL'] ? { baseUrl: env['TEAM_BASE_URL'] } : {}),
});
const worker = await startDurableWorker({
  databaseUrl: env['TEAM_DATABASE_URL'] as string,
  executorId: name,
  agents: teamAgents({
    gemini,
    model: env['TEAM_MODEL'] ?? 'gemini-3-flash-preview',
    log: fileLog(env['TEAM_TOOL_LOG']),
  }),
  pollingIntervalMs: 250,
  // Short, for the demo: a silent worker's runs (and child runs) move on after 3 s.
  takeover: { heartbeatMs: 500, deadAfterMs: 3000 },
  logLevel: 'error',
});
process.stdout.write(`${name} ready\n`);
// Stopped by its example, or gone with it when the example is killed (see stopWithParent).
stopWithParent(() => worker.shutdown({ handOver: true }));
