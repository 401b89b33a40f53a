import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, waitFor, workerSessions } from './fleet.ts';

// crashWorker waits until the killed worker's sessions are gone. Two files' fleets once gave their
// workers the same executor id on two databases of the suite's one server; counted over the whole
// server, each file's wait counted the other's live worker, and both timed out after 120 s.

const opened: pg.Client[] = [];

/** A session on `url` named as a worker's DBOS pool names its sessions. */
async function sessionAs(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  opened.push(client);
  return client;
}

afterAll(async () => {
  await Promise.all(opened.map((client) => client.end()));
});

describe('workerSessions', () => {
  it("counts the worker's sessions on its own database, not a namesake's on another", async () => {
    const [mine, theirs] = await Promise.all([freshDatabase('sessions_a'), freshDatabase('sessions_b')]);
    const worker = { sessionName: `gemloop-fixture-sessions-${process.pid}`, executorId: 'fallback-worker-1' };
    const watcher = await sessionAs(mine, 'watcher');
    await sessionAs(theirs, 'dbos_transact_fallback-worker-1_pool');
    await sessionAs(theirs, worker.sessionName);
    expect(await workerSessions(watcher, worker)).toBe(0);

    const own = await sessionAs(mine, 'dbos_transact_fallback-worker-1_pool');
    await sessionAs(mine, worker.sessionName);
    expect(await workerSessions(watcher, worker)).toBe(2);
    await own.end();
    opened.splice(opened.indexOf(own), 1);
    // A backend leaves pg_stat_activity as it exits, just after the client's end.
    await waitFor(async () => (await workerSessions(watcher, worker)) === 1, 'the ended session to go');
  });
});
