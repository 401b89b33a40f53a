import { Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { createGemini } from '@gemloop/core';
import type { SendInfo } from '@gemloop/core/http';
import { createFakeGemini, googleError, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelCalls } from './durable-gemini.ts';

describe('createModelCalls with an admission step (the fleet rate limit)', () => {
  const fake = createFakeGemini({ script: () => turn.text('ok') });
  let gemini: ReturnType<typeof createGemini>;

  beforeAll(async () => {
    await fake.listen();
    gemini = createGemini({ apiKey: 'test', baseUrl: fake.url, retry: false });
  });

  afterAll(async () => {
    await fake.close();
  });

  it("admits each attempt after the caller's own beforeSend, and tells both when it was answered", async () => {
    const log: string[] = [];
    const admit = async ({ method }: SendInfo) => {
      log.push(`admit ${method} (fake has ${fake.requests.length})`);
      return () => void log.push(`admit answered (fake has ${fake.requests.length})`);
    };
    const calls = createModelCalls(gemini, admit);
    const request = { model: 'gemini-3-flash-preview', contents: 'Hi' };
    await calls.generate(request, {
      beforeSend: () => {
        log.push('own');
        return () => void log.push('own answered');
      },
    });
    await calls.stream(request, undefined);
    expect(log).toEqual([
      'own',
      'admit generateContent (fake has 0)',
      'admit answered (fake has 1)',
      'own answered',
      'admit streamGenerateContent (fake has 1)',
      'admit answered (fake has 2)',
    ]);
  });

  it("lets the caller's own admission go when the limit's refuses", async () => {
    const log: string[] = [];
    const calls = createModelCalls(gemini, async () => {
      throw new Error('aborted while waiting for a slot');
    });
    await expect(
      calls.generate(
        { model: 'gemini-3-flash-preview', contents: 'Hi' },
        { beforeSend: () => () => void log.push('own answered') },
      ),
    ).rejects.toThrow('aborted while waiting for a slot');
    expect(log).toEqual(['own answered']);
  });
});

describe("createModelCalls with an ownership fence (the run still this execution's)", () => {
  // The first attempt fails with a 503 and is retried; the run is lost during the retry's wait.
  const fake = createFakeGemini({
    script: () => turn.text('ok'),
    faults: [{ fault: { type: 'http-error', error: googleError(503, 'Busy.') }, on: 0 }],
  });
  let gemini: ReturnType<typeof createGemini>;

  beforeAll(async () => {
    await fake.listen();
    gemini = createGemini({
      apiKey: 'test',
      baseUrl: fake.url,
      retry: { maxRetries: 1, initialDelayMs: 1 },
    });
  });

  afterAll(async () => {
    await fake.close();
  });

  it('checks each attempt last, after the admission: a retry of an execution that lost its run is never sent', async () => {
    const log: string[] = [];
    const lost = new DBOSErrors.DBOSWorkflowConflictError('run-1');
    let checks = 0;
    const calls = createModelCalls(
      gemini,
      async ({ attempt }: SendInfo) => {
        log.push(`admit ${attempt}`);
        return () => void log.push(`admit ${attempt} answered`);
      },
      async () => {
        checks += 1;
        log.push(`fence ${checks}`);
        // The takeover happened while the first attempt's retry waited.
        if (checks > 1) throw lost;
      },
    );
    const error = await calls
      .generate({ model: 'gemini-3-flash-preview', contents: 'Hi' }, undefined)
      .catch((caught: unknown) => caught);
    // DBOS's own error, as it is: the run's end (isDurableRunEnding), not the model call's failure.
    expect(error).toBe(lost);
    expect(fake.requests.map((request) => request.status)).toEqual([503]);
    // The slot the refused attempt was admitted with is given back at once.
    expect(log).toEqual([
      'admit 1',
      'fence 1',
      'admit 1 answered',
      'admit 2',
      'fence 2',
      'admit 2 answered',
    ]);
  });
});
