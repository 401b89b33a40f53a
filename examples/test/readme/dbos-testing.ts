// packages/dbos README: a Postgres for tests (typechecked only; the package's tests start one).
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';

const postgres = await startEmbeddedPostgres({ databaseUrl: process.env.DATABASE_URL }); // yours if set
const databaseUrl = await createDatabase(postgres.url, 'runs');
console.log(databaseUrl);
await postgres.stop();
