// A handoff inside a durable run, surviving a crash: Postgres (embedded, or DATABASE_URL), two
// worker processes, and a run of the triage agent, which looks the order up and hands the run to
// the returns desk (`handoff()`). The worker running it is killed (SIGKILL) while the desk waits
// on the warehouse; the other worker takes the run over and goes on with the desk: triage's calls,
// the transfer and the desk's first model call are not made again.
//
//   node scripts/run-example.mjs durable-handoff

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDurableRuns } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { run } from '../lib/run.ts';
import { siblingScript } from '../lib/sibling-script.ts';
import { instructionsOf, TEAM_SCRIPT } from './agents.ts';

await run(
  async ({ gemini, model, offline, fake, style }) => {
    const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
    const databaseUrl = postgres.embedded
      ? await createDatabase(postgres.url, 'handoff')
      : postgres.url;
    const logFolder = mkdtempSync(join(tmpdir(), 'gemloop-handoff-'));
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
      const { runId } = await runs.start('triage', {
        runId: 'returns-7',
        input: 'The kettle of order 7 came damaged; I sent it back. Refund?',
      });
      console.log(style.bold(`Started run ${runId} on two workers.`));
      while (!log().some((line) => line.startsWith('check_warehouse 7 started')))
        await new Promise((resolve) => setTimeout(resolve, 50));
      const owner = (await runs.status(runId))?.executorId ?? '';
      workers.get(owner)?.kill('SIGKILL');
      console.log(style.bold(`${owner} killed (SIGKILL) while the returns desk waited.`));
      const result = await runs.result(runId);
      const status = await runs.status(runId);
      console.log(`\nAnswer: ${result.text}`);
      console.log(`Handed to: ${(result.handoffs ?? []).join(', ')}`);
      console.log(`Run ${runId}: ${status?.status}, finished by ${status?.executorId}`);
      console.log(style.bold('\nEvents of the run:'));
      for await (const { event } of runs.events(runId)) {
        if (event.type === 'tool-call') console.log(`  tool-call ${event.toolName}`);
        if (event.type === 'handoff') console.log(`  handoff ${event.from} -> ${event.to}`);
      }
      console.log(style.bold('\nTool executions:'));
      for (const line of log()) console.log(`  ${line}`);
      if (fake !== undefined) {
        const requests = fake.modelRequests.map(
          (request) => instructionsOf(request.body).split(':')[0] ?? '',
        );
        const desk = requests.filter((text) => text.startsWith('You handle returns')).length;
        console.log(
          `Model requests: triage ${requests.length - desk}, returns desk ${desk} (none repeated)`,
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
      'A handoff inside a durable run: a worker killed in the receiving agent, the run goes on with it.',
    script: TEAM_SCRIPT,
  },
);
