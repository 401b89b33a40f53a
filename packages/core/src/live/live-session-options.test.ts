import { countOptionReads } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { defaultsMismatches } from '../options/__fixtures__/documented-defaults.ts';
import { liveFixture } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import { LIVE_SESSION_DEFAULTS } from './live-session-options.ts';

describe('LIVE_SESSION_DEFAULTS', () => {
  it("match the @defaultValue of each option's TSDoc (what a user reads on hover)", () => {
    expect(
      defaultsMismatches(
        new URL('./live-session-options.ts', import.meta.url),
        'LiveSessionOptions',
        LIVE_SESSION_DEFAULTS,
      ),
    ).toEqual([]);
  });

  it('are what a session without options sends: a text answer, asked for once', async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    const session = await createLiveSession(agent);
    expect(fake.connections[0]?.setup).toMatchObject({
      generationConfig: { responseModalities: ['TEXT'] },
    });
    await session.close();
  });
});

// Issue 53 item 7 / attack15: each option is read once, by the check's copy; the defaults are
// laid over that copy, so a getter cannot be read again where a default used to be applied.
describe('createLiveSession reads each option once', () => {
  it('with every option a counting getter, opening and closing a session', async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    const { options, reads } = countOptionReads({
      model: 'gemini-live-test',
      modality: 'audio' as const,
      transcripts: false,
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
      realtimeInputConfig: { automaticActivityDetection: { disabled: false } },
      contextWindowTokens: 50_000,
      contextWindowCompression: { triggerTokens: 40_000 },
      toolBehavior: {},
      toolScheduling: 'SILENT' as const,
      history: [{ role: 'user' as const, parts: [{ text: 'earlier' }] }],
      onEvent: () => {},
      onHandle: () => {},
      overlapReconnect: true,
      connectTimeoutMs: 10_000,
      maxReconnectAttempts: 2,
      maxFrameBytes: 1_000_000,
      maxBufferedBytes: 2_000_000,
      prices: {},
      signal: new AbortController().signal,
    });
    const session = await createLiveSession(agent, options);
    await session.close();
    expect(Object.entries(reads).filter(([, count]) => count !== 1)).toEqual([]);
    expect(Object.keys(reads).length).toBeGreaterThan(15);
    // What the getters gave is what was sent: the copy, not the defaults, wins.
    expect(fake.connections[0]?.setup).toMatchObject({
      generationConfig: { responseModalities: ['AUDIO'] },
    });
  });
});
