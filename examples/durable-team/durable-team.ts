// A subagent inside a durable run, surviving a crash: Postgres (embedded, or DATABASE_URL), two
// worker processes, and a run of the coordinator whose researcher (a subagent) is a DBOS child
// workflow. The worker running it is killed (SIGKILL) while the researcher waits on the
// warehouse; the other worker takes the run and the child over and resumes the child where it
// was: its lookup and its first two model calls are not made again.
//
//   node scripts/run-example.mjs durable-team

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDurableRuns } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { run } from '../lib/run.ts';
import { siblingScript } from '../lib/sibling-script.ts';
import { isResearcher, TEAM_SCRIPT } from './agents.ts';

await run(
  async ({ gemini, model, offline, fake, style }) => {
    const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
    const databaseUrl = postgres.embedded
      ? await createDatabase(postgres.url, 'team')
      : postgres.url;
    const logFolder = mkdtempSync(join(tmpdir(), 'gemloop-team-'));
    const toolLog = join(logFolder, 'tools.log');
    writeFileSync(toolLog, '');
    const workers = new Map<string, ChildProcess>();
    const startWorker = async (name: string): Promise<void> => {
      const child = spawn(process.execPath, siblingScript('worker', import.meta.url), {
        env: {
          ...process.env,
          TEAM_WORKER: name,
          TEAM_DATABASE_URL: databaseUrl,
          TEAM_MODEL: model,
          TEAM_TOOL_LOG: toolLog,
          ...(offline ? { TEAM_API_KEY: 'offline-fake-key', TEAM_BASE_URL: gemini.baseUrl } : {}),
        },
        // 'ipc': the worker stops when this process goes, even killed (stopWithParent).
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      workers.set(name, child);
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes(`${name} ready`)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before ready`)));
      });
    };
    const runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 200 });
    const log = (): string[] =>
      readFileSync(toolLog, 'utf8')
        .split('\n')
        .filter((line) => line !== '');
    try {
      await Promise.all([startWorker('worker-a'), startWorker('worker-b')]);
      const { runId } = await runs.start('coordinator', {
        runId: 'team-7',
        input: 'Is the kettle of order 7 back at the warehouse?',
      });
      console.log(style.bold(`Started run ${runId} on two workers.`));
      while (!log().some((line) => line.startsWith('check_warehouse 7 started')))
        await new Promise((resolve) => setTimeout(resolve, 50));
      const owner = (await runs.status(runId))?.executorId ?? '';
      workers.get(owner)?.kill('SIGKILL');
      console.log(
        style.bold(`${owner} killed (SIGKILL) while the researcher (a child workflow) waited.`),
      );
      const result = await runs.result(runId);
      const status = await runs.status(runId);
      console.log(`\nAnswer: ${result.text}`);
      console.log(`Run ${runId}: ${status?.status}, finished by ${status?.executorId}`);
      console.log(style.bold('\nEvents of the run (the researcher under its path):'));
      for await (const { event } of runs.events(runId)) {
        const where = event.path.length === 0 ? 'coordinator' : event.path.join(' > ');
        if (event.type === 'tool-call') console.log(`  ${where}: tool-call ${event.toolName}`);
        if (event.type === 'tool-result')
          console.log(`  ${where}: tool-result ${event.toolCall.toolName}`);
      }
      console.log(style.bold('\nTool executions:'));
      for (const line of log()) console.log(`  ${line}`);
      if (fake !== undefined) {
        const researcher = fake.modelRequests.filter((request) => isResearcher(request.body));
        console.log(
          `Model requests: researcher ${researcher.length} (3 turns, none repeated), coordinator ${fake.modelRequests.length - researcher.length}`,
        );
      }
    } finally {
      await runs.close();
      const running = [...workers.values()].filter(
        (child) => child.exitCode === null && child.signalCode === null,
      );
      for (const child of running) child.kill('SIGTERM');
      await Promise.all(
        running.map((child) => new Promise((resolve) => child.once('exit', resolve))),
      );
      await postgres.stop();
      rmSync(logFolder, { recursive: true, force: true });
    }
  },
  {
    description:
      'A subagent as a DBOS child workflow: a worker killed mid-child, the child resumed.',
    script: TEAM_SCRIPT,
  },
);
