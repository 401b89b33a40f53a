import { describe, expect, it } from 'vitest';
import { FileProcessingError } from '../../errors/files-and-batches/file-processing-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import { createBatches } from '../batches/create-batches.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from './create-files.ts';

// files.waitUntilActive against a gateway's ill-typed File (attack31): a FAILED file whose
// `error.message` was no string threw a bare TypeError ("result.includes is not a function"), the
// failure itself lost; and a state other than PROCESSING, ACTIVE or FAILED (a number, an object,
// the enum's own STATE_UNSPECIFIED) was polled forever.

const KEY = 'AIzaSyAttack31WaitKeyXXXXXXXXXXXXXXXXXX';

function files(file: Record<string, unknown>) {
  let requests = 0;
  const gemini = createGemini({
    apiKey: KEY,
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async () => {
      requests++;
      // The hang guard: a wait that never ends would poll on.
      if (requests > 50) return Response.json({ name: 'files/a', state: 'FAILED' });
      return Response.json(file);
    },
  });
  return { files: createFiles(gemini), requests: () => requests };
}

describe('files.waitUntilActive, a FAILED file with an ill-typed error', () => {
  for (const message of [{ detail: KEY }, 5, [KEY], null]) {
    it(`error.message ${JSON.stringify(message)}: FileProcessingError, the key not shown`, async () => {
      const { files: api } = files({ name: 'files/a', state: 'FAILED', error: { message } });
      const error = await api.waitUntilActive('files/a').then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(FileProcessingError.isInstance(error)).toBe(true);
      expect((error as FileProcessingError).state).toBe('FAILED');
      expect((error as FileProcessingError).reason).toBeUndefined();
      expect(JSON.stringify(error) + String(error)).not.toContain(KEY);
    });
  }

  it('a string message is still given, the key redacted', async () => {
    const { files: api } = files({
      name: 'files/a',
      state: 'FAILED',
      error: { message: `bad media (key ${KEY})` },
    });
    const error = await api.waitUntilActive('files/a').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect((error as FileProcessingError).reason).toBe('bad media (key [redacted])');
  });
});

describe('files.waitUntilActive, a state that is not PROCESSING', () => {
  for (const state of [5, { name: 'PROCESSING' }, 'STATE_UNSPECIFIED', 'SOME_FUTURE_STATE']) {
    it(`${JSON.stringify(state)}: the file is given back after one read, not polled forever`, async () => {
      const { files: api, requests } = files({ name: 'files/a', state });
      const file = await api.waitUntilActive('files/a', { pollIntervalMs: 0 });
      expect(file.state).toEqual(state);
      expect(requests()).toBe(1);
    });
  }

  it('PROCESSING is polled until ACTIVE', async () => {
    let reads = 0;
    const gemini = createGemini({
      apiKey: KEY,
      baseUrl: 'https://gw.test',
      retry: false,
      fetch: async () =>
        Response.json({ name: 'files/a', state: ++reads < 3 ? 'PROCESSING' : 'ACTIVE' }),
    });
    const file = await createFiles(gemini).waitUntilActive('files/a', { pollIntervalMs: 0 });
    expect(file.state).toBe('ACTIVE');
    expect(reads).toBe(3);
  });
});

// A gateway that answers PROCESSING (or a batch that runs) forever: the wait polled on with no
// bound but the caller's signal, where fileSearchStores.waitForOperation stops after maxPolls
// (attack31). Both now stop after options.maxPolls, typed, the resource going on server-side.
describe('a wait the server never ends', () => {
  it('files.waitUntilActive: TimeoutError after maxPolls reads', async () => {
    let reads = 0;
    const gemini = createGemini({
      apiKey: KEY,
      baseUrl: 'https://gw.test',
      retry: false,
      fetch: async () => {
        // The hang guard: a wait without a bound reads on.
        reads++;
        return Response.json({ name: 'files/a', state: reads > 200 ? 'ACTIVE' : 'PROCESSING' });
      },
    });
    const error = await createFiles(gemini)
      .waitUntilActive('files/a', { pollIntervalMs: 0, maxPolls: 5 })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^files\.waitUntilActive: files\/a was still PROCESSING after 5 polls/,
    );
    expect(reads).toBe(5);
  });

  it('batches.wait: TimeoutError after maxPolls reads', async () => {
    let reads = 0;
    const gemini = createGemini({
      apiKey: KEY,
      baseUrl: 'https://gw.test',
      retry: false,
      fetch: async () => {
        reads++;
        return Response.json({
          name: 'batches/a',
          done: reads > 200,
          metadata: { state: reads > 200 ? 'BATCH_STATE_SUCCEEDED' : 'BATCH_STATE_RUNNING' },
        });
      },
    });
    const error = await createBatches(gemini)
      .wait('batches/a', { pollIntervalMs: 0, maxPolls: 3 })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^batches\.wait: batches\/a was still running after 3 polls/,
    );
    expect(reads).toBe(3);
  });

  it('maxPolls must be a positive integer', async () => {
    const gemini = createGemini({ apiKey: KEY, baseUrl: 'https://gw.test', retry: false });
    const error = await createFiles(gemini)
      .waitUntilActive('files/a', { maxPolls: 0 })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('options.maxPolls');
  });
});
