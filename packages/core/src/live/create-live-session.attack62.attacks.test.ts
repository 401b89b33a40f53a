// attack62c: a Live session tried from outside, third pass (the others: attack25, attack33,
// attack57, attack60). Each case failed before its fix (bench/RESULTS.md, attack62c).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLiveRecorder } from '../recorder/create-live-recorder.ts';
import { closeBeforeSetup } from './__fixtures__/close-before-setup.ts';
import { liveFixture } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';
import { LiveSessionError } from './live-session-error.ts';
import { recordLiveSession } from './record-live-session.ts';

/** Reads every event until the session ends, and returns the error it ended with. */
async function endError(session: AsyncIterable<LiveEvent>): Promise<unknown> {
  try {
    for await (const _ of session);
  } catch (error) {
    return error;
  }
  throw new Error('expected the session to end with an error');
}

/** Everything an error shows: its message, its fields, its JSON. */
function shown(error: unknown): string {
  const fields = error as LiveSessionError;
  return `${fields.message} ${fields.closeReason} ${JSON.stringify(fields.toJSON())}`;
}

// A gateway's close reasons as they name what is behind it (a WebSocket close reason is at most
// 123 bytes, so each is short).
const INTERNAL = [
  { reason: 'upstream 10.0.0.5:8443 reset', hidden: '10.0.0.5', kept: 'upstream <host> reset' },
  {
    reason: 'proxy http://gw.internal.corp:8080/live failed',
    hidden: 'gw.internal.corp',
    kept: 'proxy <url> failed',
  },
  { reason: 'open /var/run/gw.sock: refused', hidden: '/var/run', kept: 'open <path>: refused' },
  {
    reason: 'backend live-3.svc.cluster.local:443 down',
    hidden: 'svc.cluster.local',
    kept: 'backend <host> down',
  },
];

describe('a Live close reason naming an internal address (attack62c)', () => {
  it.each(INTERNAL)('closed-by-server: "$reason" is hidden, its words kept', async (row) => {
    const { agent } = await liveFixture({
      script: [[{ text: 'a' }, { close: { code: 4003, reason: row.reason } }]],
    });
    const session = await createLiveSession(agent);
    session.sendText('hi');
    const error = await endError(session);
    expect(LiveSessionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'closed-by-server', closeCode: 4003 });
    expect((error as LiveSessionError).closeReason).toBe(row.kept);
    expect(shown(error)).not.toContain(row.hidden);
  });

  it("a close before setupComplete: connect-failed's message and closeReason hide the address", async () => {
    const error = await closeBeforeSetup(
      { code: 1011, reason: 'upstream 10.0.0.5:8443 reset' },
      { url: 'ws://127.0.0.1:9/live', redact: (text) => text },
    );
    expect(error).toMatchObject({ reason: 'connect-failed', closeCode: 1011 });
    expect((error as LiveSessionError).closeReason).toBe('upstream <host> reset');
    expect(shown(error)).not.toContain('10.0.0.5');
  });

  it('a resumable close with no handle, and one with maxReconnectAttempts 0, hide it too', async () => {
    for (const [options, reason] of [
      [{ resumptionUpdates: false }, 'no-resumption-handle'],
      [{}, 'reconnect-failed'],
    ] as const) {
      const { agent } = await liveFixture({
        ...options,
        script: [[{ text: 'a' }, { close: { code: 1011, reason: 'lb 192.168.4.20:9000 gone' } }]],
      });
      const session = await createLiveSession(agent, { maxReconnectAttempts: 0 });
      session.sendText('hi');
      const error = await endError(session);
      expect(error).toMatchObject({ reason, closeCode: 1011, closeReason: 'lb <host> gone' });
      expect(shown(error)).not.toContain('192.168.4.20');
    }
  });

  it("the recording's end line holds the hidden reason, not the address", async () => {
    const { agent } = await liveFixture({
      script: [[{ text: 'a' }, { close: { code: 4003, reason: 'upstream 10.0.0.5:8443 reset' } }]],
    });
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-attack62c-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const recorder = createLiveRecorder({ dir });
    const session = await recordLiveSession(agent, { recorder });
    session.sendText('hi');
    await endError(session);
    // The recording's end is written on `closed` (its handler runs before this one's).
    await session.closed.catch(() => {});
    await recorder.flush();
    const files = await readdir(dir);
    expect(files.length).toBe(1);
    const text = await readFile(join(dir, files[0] as string), 'utf8');
    expect(text).toContain('upstream <host> reset');
    expect(text).not.toContain('10.0.0.5');
  });
});
