// @gemloop/dbos/testing: a real Postgres for tests and local fleets.

export type { EmbeddedPostgresErrorOptions } from './embedded-postgres-error.ts';
export { EmbeddedPostgresError } from './embedded-postgres-error.ts';
export type { EmbeddedPostgres, StartEmbeddedPostgresOptions } from './start-embedded-postgres.ts';
export { createDatabase, startEmbeddedPostgres } from './start-embedded-postgres.ts';
