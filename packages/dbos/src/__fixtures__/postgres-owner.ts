// A process that starts an embedded Postgres, prints its URL, and ends when its stdin says how:
// `SIGTERM` (it signals itself) or anything else (process.exit(0)). start-embedded-postgres.test.ts
// checks that no server or data folder outlives it. A fixture script (not `node -e` through tsx)
// so that it runs on plain node when the build is fresh (fleet.ts `fixtureCommand`).
import { startEmbeddedPostgres } from '../testing/start-embedded-postgres.ts';

const postgres = await startEmbeddedPostgres();
process.stdout.write(`${postgres.url}\n`);
process.stdin.once('data', (data: Buffer) => {
  if (data.toString().startsWith('SIGTERM')) process.kill(process.pid, 'SIGTERM');
  else process.exit(0);
});
