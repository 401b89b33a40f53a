import { createGemini } from '@gemloop/core';
import type { SendInfo } from '@gemloop/core/http';
import { createFakeGemini, turn } from '@gemloop/testing';
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
