// attack15: createGemini now takes plain http only to a loopback host; the CLI commands that
// talk to the model with --base-url (or GEMINI_BASE_URL) give the refusal, and take
// --allow-insecure-http for a gateway on a trusted private network.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordSignedWeatherRun } from '../../../evals/src/__fixtures__/weather-agent.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createReplayCommand } from './replay.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function recordedRun(): Promise<string> {
  const recorded = await recordSignedWeatherRun({ recorder: { fidelity: 'full' } });
  cleanups.push(recorded.cleanup);
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-a15-replay-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'run.jsonl'), recorded.text);
  return dir;
}

describe('gemloop replay --live with a plain http base URL', () => {
  const key = 'AIzaLiveKey-a15-S3CR3T';

  async function replay(extra: string[], environment: Record<string, string> = {}) {
    const dir = await recordedRun();
    // After the recording: its own client must not see the variable.
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
    const fake = createFakeGemini({ script: [turn.text('Forked.')] });
    cleanups.push(() => fake.close());
    const urls: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return fake.fetch(input, init);
    };
    const out = captureIo({ GEMINI_API_KEY: key }, fetch);
    const code = await createReplayCommand(dir).run(
      ['run.jsonl', '--until', '1', '--model', 'gemini-3.1-pro-preview', '--live', ...extra],
      out,
    );
    return { code, err: out.err(), all: out.out() + out.err(), urls };
  }

  it('refuses an http base URL on another host before any request, with the key out of it', async () => {
    const result = await replay(['--base-url', 'http://10.0.0.1:8080']);
    expect(result.code).not.toBe(0);
    expect(result.urls).toEqual([]);
    expect(result.err).toMatch(/https/);
    expect(result.all).not.toContain('S3CR3T');
  });

  it('refuses the same from GEMINI_BASE_URL (read by createGemini from the process)', async () => {
    const result = await replay([], { GEMINI_BASE_URL: 'http://169.254.169.254' });
    expect(result.code).not.toBe(0);
    expect(result.urls).toEqual([]);
  });

  it('sends there with --allow-insecure-http', async () => {
    const result = await replay(['--base-url', 'http://10.0.0.1:8080', '--allow-insecure-http']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.urls.length).toBeGreaterThan(0);
    expect(result.urls.every((url) => url.startsWith('http://10.0.0.1:8080/'))).toBe(true);
  });
});
