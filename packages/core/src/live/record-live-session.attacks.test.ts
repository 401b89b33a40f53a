import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countOptionReads } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLiveRecorder } from '../recorder/create-live-recorder.ts';
import type { LiveRecorder, LiveRecordingInfo } from '../recorder/live-recorder-options.ts';
import { liveFixture } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import { recordLiveSession } from './record-live-session.ts';

// live-record (options-live's leftover): the recording started before the session's options were
// checked, so a refused option left a recording of a session that never opened.

/** A real recorder in a temporary folder, with the header of each session it was asked to start. */
async function countingRecorder(): Promise<{
  recorder: LiveRecorder;
  started: LiveRecordingInfo[];
}> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-live-record-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const real = createLiveRecorder({ dir });
  const started: LiveRecordingInfo[] = [];
  const recorder: LiveRecorder = {
    dir: real.dir,
    flush: () => real.flush(),
    startSession(info) {
      started.push(info);
      return real.startSession(info);
    },
  };
  return { recorder, started };
}

/** What a promise rejected with. */
async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('recordLiveSession with options the session refuses', () => {
  it.each([
    ['modality: "video"', { modality: 'video' }],
    ['a misspelt key', { modalty: 'audio' }],
    ['maxFrameBytes: NaN', { maxFrameBytes: Number.NaN }],
    ['toolBehavior naming no tool', { toolBehavior: { nope: 'NON_BLOCKING' } }],
  ])('%s: the error createLiveSession throws, and nothing recorded', async (_, bad) => {
    const { fake, agent } = await liveFixture({ script: [] });
    const { recorder, started } = await countingRecorder();
    const expected = await refusal(createLiveSession(agent, bad as never));
    const error = await refusal(recordLiveSession(agent, { recorder, ...(bad as object) }));
    expect(error).toBeInstanceOf((expected as Error).constructor);
    expect((error as Error).message).toBe((expected as Error).message);
    expect(started).toEqual([]);
    await recorder.flush();
    expect(await readdir(recorder.dir)).toEqual([]);
    expect(fake.connections).toEqual([]);
  });
});

describe('recordLiveSession reads each option once', () => {
  it("the recording's header has the modality the session was opened with", async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    const { recorder, started } = await countingRecorder();
    const { options, reads } = countOptionReads({
      recorder,
      model: 'gemini-live-test',
      modality: 'audio' as const,
      onEvent: () => {},
    });
    const session = await recordLiveSession(agent, options);
    await session.close();
    expect(reads).toEqual({ recorder: 1, model: 1, modality: 1, onEvent: 1 });
    expect(started).toMatchObject([{ model: 'gemini-live-test', modality: 'audio' }]);
    expect(fake.connections[0]?.setup).toMatchObject({
      model: 'models/gemini-live-test',
      generationConfig: { responseModalities: ['AUDIO'] },
    });
  });
});
