// Batch job ids Postgres cannot hold or index, refused before anything reaches DBOS: no worker is
// needed, only DBOS's tables.

import { InvalidArgumentError } from '@gemloop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { createDurableBatchRuns, type DurableBatchRuns } from '../../index.ts';

let batches: DurableBatchRuns;
beforeAll(async () => {
  // DBOS's tables already migrated (a copy of the fleet tests' template), as DBOS.migrate made
  // them on an empty database: the subject is the refusal, not the migration.
  const databaseUrl = await workerDatabase('batchids');
  batches = await createDurableBatchRuns({ databaseUrl });
});
afterAll(async () => {
  await batches?.close();
});

describe('DurableBatchRuns job ids', () => {
  // A NUL failed each method with Postgres's "invalid byte sequence for encoding UTF8: 0x00"; a
  // long id was enqueued (or failed on the index), unlike a run id of the same bytes.
  const hostile = ['job\0id', 'é'.repeat(513), ''];

  it.each(hostile)('refuses %j in every method, typed and naming jobId', async (jobId) => {
    const calls = [
      () => batches.start('weather', { jobId, inputs: ['Paris?'] }),
      () => batches.result(jobId),
      () => batches.status(jobId),
      () => batches.cancel(jobId),
    ];
    for (const call of calls) {
      const error = await call().catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument: 'jobId' });
      expect((error as Error).message).toContain(
        'a batch job id is a non-empty string of at most 1024 UTF-8 bytes without NUL characters',
      );
    }
  });

  it('takes an id of exactly 1024 bytes', async () => {
    const jobId = 'é'.repeat(512);
    await expect(batches.start('weather', { jobId, inputs: ['Paris?'] })).resolves.toEqual({
      jobId,
    });
    expect(await batches.status(jobId)).toMatchObject({ status: 'ENQUEUED' });
    await batches.cancel(jobId);
  });
});
