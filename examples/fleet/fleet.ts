// A fleet in one command: Postgres (embedded, or DATABASE_URL), two worker processes and an HTTP
// server that starts runs, streams their events as server-sent events and takes approvals.
// Runs survive their worker: kill one in the middle of a run and the other finishes it. The
// model's first turn makes two calls at once (look the order up, check the warehouse): the
// worker runs them at once, and the kill lands after one is recorded and while the other runs.
//
//   node scripts/run-example.mjs fleet           # serve on http://127.0.0.1:8787 until Ctrl-C
//   node scripts/run-example.mjs fleet --demo    # the walkthrough: a run, a killed worker, an approval

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDurableRuns } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { listen } from '../lib/listen.ts';
import { run } from '../lib/run.ts';
import { siblingScript } from '../lib/sibling-script.ts';
import { shownText } from '../lib/trace-printer.ts';
import { FLEET_SCRIPT } from './agents.ts';
import { createFleetServer } from './server.ts';

await run(
  async ({ gemini, model, offline, flags, style }) => {
    const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
    const databaseUrl = postgres.embedded
      ? await createDatabase(postgres.url, 'fleet')
      : postgres.url;
    console.log(
      postgres.embedded
        ? 'Postgres: embedded, in a temporary directory (set DATABASE_URL for yours)'
        : 'Postgres: DATABASE_URL',
    );
    const logFolder = mkdtempSync(join(tmpdir(), 'gemloop-fleet-'));
    const toolLog = join(logFolder, 'tools.log');
    writeFileSync(toolLog, '');
    const workerEnv = {
      ...process.env,
      FLEET_DATABASE_URL: databaseUrl,
      FLEET_MODEL: model,
      FLEET_TOOL_LOG: toolLog,
      ...(offline ? { FLEET_API_KEY: 'offline-fake-key', FLEET_BASE_URL: gemini.baseUrl } : {}),
    };
    const workers = new Map<string, ChildProcess>();
    const startWorker = async (name: string): Promise<void> => {
      const child = spawn(process.execPath, siblingScript('worker', import.meta.url), {
        env: { ...workerEnv, FLEET_WORKER: name },
        // 'ipc': the worker stops when this process goes, even killed (stopWithParent).
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      workers.set(name, child);
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes(`${name} ready`)) resolve();
        });
        child.once('exit', (code) =>
          reject(new Error(`${name} exited (${code}) before it was ready`)),
        );
      });
    };
    const runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 200 });
    const server = createFleetServer(runs);
    try {
      await Promise.all([startWorker('worker-a'), startWorker('worker-b')]);
      await listen(server, flags.port ?? (flags.demo === true ? 0 : 8787));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      console.log(`Workers: worker-a, worker-b. HTTP: ${base}`);
      if (flags.demo === true) {
        await demo(base, workers, () => readFileSync(toolLog, 'utf8'), style.bold);
        return;
      }
      console.log(`
  curl -s -X POST ${base}/runs -d '{"input":"My kettle (order 7) arrived broken, refund me"}'
  curl -N ${base}/runs/<runId>/events                  # the events, live (SSE)
  curl -s ${base}/runs/<runId>/approvals               # the refund waits for you
  curl -s -X POST ${base}/runs/<runId>/approvals/<callId> -d '{"type":"approve"}'
  kill -9 <pid of a worker> during check_warehouse: the other worker finishes the run
Ctrl-C stops everything.`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    } finally {
      server.close();
      await runs.close();
      // A worker the demo killed has a signalCode and no exitCode: it is gone already.
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
    description: 'A fleet of two durable workers behind an HTTP server, on Postgres.',
    script: FLEET_SCRIPT,
    flags: {
      demo: {
        type: 'boolean',
        description: 'Run the walkthrough (kill a worker mid-run, approve) and exit.',
      },
      port: { type: 'string', description: 'HTTP port (default 8787; --demo: a free one).' },
    },
  },
);

/** The walkthrough, through the HTTP API as any client would use it. */
async function demo(
  base: string,
  workers: Map<string, ChildProcess>,
  toolLog: () => string,
  bold: (text: string) => string,
): Promise<void> {
  const post = async (path: string, body: unknown): Promise<unknown> =>
    (await fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body) })).json();
  const get = async (path: string): Promise<unknown> => (await fetch(`${base}${path}`)).json();

  const { runId } = (await post('/runs', {
    runId: 'refund-7',
    input: 'My kettle (order 7) arrived broken, refund me',
  })) as {
    runId: string;
  };
  console.log(bold(`\nStarted run ${runId}; following its events (SSE):`));
  let killed = false;
  const response = await fetch(`${base}/runs/${runId}/events`);
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
    if (done) break;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const type = /^event: (.*)$/m.exec(frame)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? '{}') as Record<string, unknown>;
      if (type === 'tool-call')
        console.log(
          `  tool-call ${shownText(String(data['toolName']))}(${shownText(String(JSON.stringify(data['args'])))})`,
        );
      else if (type === 'tool-result')
        console.log(
          `  tool-result ${shownText(String((data['toolCall'] as { toolName: string }).toolName))}`,
        );
      else if (type === 'run-end')
        console.log(`  run-end: ${String((data['result'] as { text: string }).text)}`);
      // lookup_order and check_warehouse run at once; lookup_order's result is recorded (its
      // event comes after its step's checkpoint) while check_warehouse still runs: kill then.
      const toolName = (data['toolCall'] as { toolName?: string } | undefined)?.toolName;
      if (type === 'tool-result' && toolName === 'lookup_order' && !killed) {
        killed = true;
        await waitFor(() => toolLog().includes('check_warehouse 7 started'));
        const owner = ((await get(`/runs/${runId}`)) as { executorId: string }).executorId;
        workers.get(owner)?.kill('SIGKILL');
        console.log(
          bold(
            `  ${owner} killed (SIGKILL) in the middle of check_warehouse; the other worker takes over`,
          ),
        );
      }
      if (type === 'tool-call' && data['toolName'] === 'issue_refund') {
        const [pending] = (await get(`/runs/${runId}/approvals`)) as {
          toolCallId: string;
          args: unknown;
        }[];
        console.log(
          bold(`  issue_refund waits for approval: ${JSON.stringify(pending?.args)}; approving`),
        );
        await post(`/runs/${runId}/approvals/${pending?.toolCallId}`, { type: 'approve' });
      }
    }
  }
  await get(`/runs/${runId}/result`);
  const status = (await get(`/runs/${runId}`)) as { status: string; executorId: string };
  console.log(bold(`\nRun ${runId}: ${status.status}, finished by ${status.executorId}`));
  const lines = toolLog()
    .split('\n')
    .filter((line) => line !== '');
  console.log(`Tool executions: ${lines.length}`);
  for (const line of lines) console.log(`  ${line}`);
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
}
