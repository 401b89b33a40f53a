import { DBOS } from '@dbos-inc/dbos-sdk';
import { assertStillOwnsWorkflow } from '@dbos-inc/dbos-sdk/datasource';
import { ApiCallError, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  assertStillOwnsRun,
  callModelStep,
  MAX_DURABLE_SERVER_DELAY_MS,
} from './call-model-step.ts';
import { createModelCalls } from './durable-gemini.ts';

vi.mock('@dbos-inc/dbos-sdk/datasource', () => ({ assertStillOwnsWorkflow: vi.fn() }));

describe('a model step as the worker composes it (issue 35: statements per step)', () => {
  const fake = createFakeGemini({ script: () => turn.text('ok') });
  let gemini: ReturnType<typeof createGemini>;
  beforeAll(async () => {
    await fake.listen();
    gemini = createGemini({ apiKey: 'test', baseUrl: fake.url, retry: false });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    vi.spyOn(DBOS, 'workflowID', 'get').mockReturnValue('run-1');
    vi.spyOn(DBOS, 'runStep').mockImplementation(async (body) => body());
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.mocked(assertStillOwnsWorkflow).mockReset();
  });

  it('checks ownership once per request sent, not again at the step start (one query each)', async () => {
    const calls = createModelCalls(gemini, undefined, assertStillOwnsRun);
    const request = { model: 'gemini-3-flash-preview', contents: 'Hi' };
    await callModelStep({
      name: 'gemloop.model:generate',
      fenced: true,
      call: () => calls.generate(request),
    });
    expect(fake.requests).toHaveLength(1);
    expect(vi.mocked(assertStillOwnsWorkflow).mock.calls).toEqual([['run-1']]);
  });

  it('a step whose call has no fence still checks ownership before it runs', async () => {
    await callModelStep({ name: 'gemloop.model:generate', call: async () => 'ok' });
    expect(vi.mocked(assertStillOwnsWorkflow).mock.calls).toEqual([['run-1']]);
  });
});

describe('a model step the server asks to wait', () => {
  const rateLimited = (retryDelayMs: number) =>
    new ApiCallError({
      message: 'Rate limit hit.',
      url: 'https://example.test/v1beta/models/m:generateContent',
      method: 'generateContent',
      status: 429,
      isRetryable: true,
      retryDelayMs,
    });
  let sleeps: number[];
  beforeEach(() => {
    sleeps = [];
    vi.spyOn(DBOS, 'workflowID', 'get').mockReturnValue('run-1');
    vi.spyOn(DBOS, 'runStep').mockImplementation(async (body) => body());
    vi.spyOn(DBOS, 'sleepms').mockImplementation(async (ms) => {
      sleeps.push(ms);
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('sleeps durably through a wait of up to a day, then calls again', async () => {
    let calls = 0;
    const value = await callModelStep({
      name: 'gemloop.model:generate',
      call: async () => {
        calls++;
        if (calls === 1) throw rateLimited(MAX_DURABLE_SERVER_DELAY_MS);
        return 'ok';
      },
    });
    expect(value).toBe('ok');
    expect(sleeps).toEqual([MAX_DURABLE_SERVER_DELAY_MS]);
  });

  it('fails with the error, without sleeping, when the server asks for more than a day', async () => {
    // RetryInfo `1e308s` reads as Number.MAX_SAFE_INTEGER ms: no run may sleep that.
    const error = rateLimited(Number.MAX_SAFE_INTEGER);
    await expect(
      callModelStep({
        name: 'gemloop.model:generate',
        call: async () => {
          throw error;
        },
      }),
    ).rejects.toBe(error);
    expect(sleeps).toEqual([]);
  });
});
