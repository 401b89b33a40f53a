import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDurableRuns, type DurableRuns } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { siblingScript } from '../lib/sibling-script.ts';

/** What a durable-team example runs on: Postgres, a tool log, and the team's worker processes. */
export type TeamCluster = {
  /** The runs' client on the cluster's database. */
  readonly runs: DurableRuns;
  /** Starts a worker process (`worker.ts`) by name; resolves once it says it is ready. */
  startWorker(name: string): Promise<void>;
  /** The workers started, by name (an example kills one). */
  readonly workers: ReadonlyMap<string, ChildProcess>;
  /** The tools' executions the workers logged so far, one line each. */
  log(): string[];
  /** Stops the runs' client, the workers still running, and Postgres; removes the tool log. */
  close(): Promise<void>;
};

/**
 * Starts what both durable-team examples need (`durable-team.ts`, `durable-handoff.ts`): Postgres
 * (embedded, a database named `name`; or DATABASE_URL), a tool log the workers append to, and the
 * runs' client. Workers are started by the example (`startWorker`), offline against the example's
 * fake when `offline`.
 */
export async function startTeamCluster({
  name,
  model,
  offline,
  baseUrl,
}: {
  name: string;
  model: string;
  offline: boolean;
  baseUrl: string;
}): Promise<TeamCluster> {
  const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
  const databaseUrl = postgres.embedded ? await createDatabase(postgres.url, name) : postgres.url;
  const logFolder = mkdtempSync(join(tmpdir(), `gemloop-${name}-`));
  const toolLog = join(logFolder, 'tools.log');
  writeFileSync(toolLog, '');
  const workers = new Map<string, ChildProcess>();
  const startWorker = async (worker: string): Promise<void> => {
    const child = spawn(process.execPath, siblingScript('worker', import.meta.url), {
      env: {
        ...process.env,
        TEAM_WORKER: worker,
        TEAM_DATABASE_URL: databaseUrl,
        TEAM_MODEL: model,
        TEAM_TOOL_LOG: toolLog,
        ...(offline ? { TEAM_API_KEY: 'offline-fake-key', TEAM_BASE_URL: baseUrl } : {}),
      },
      // 'ipc': the worker stops when this process goes, even killed (stopWithParent).
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    workers.set(worker, child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes(`${worker} ready`)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`${worker} exited (${code}) before ready`)));
    });
  };
  const runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 200 });
  return {
    runs,
    startWorker,
    workers,
    log: () =>
      readFileSync(toolLog, 'utf8')
        .split('\n')
        .filter((line) => line !== ''),
    async close() {
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
    },
  };
}
