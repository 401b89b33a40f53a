import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { liveFixture, readUntil } from '../live/__fixtures__/live-fixture.ts';
import { recordLiveSession } from '../live/record-live-session.ts';
import { createLiveRecorder } from './create-live-recorder.ts';
import { MAX_RECORDED_LIVE_TEXT_CHARS } from './recorded-live.ts';

// key-leaks3 (issue 53): a Live turn's text that stops in the middle of the client's key (the turn
// completed, was interrupted, or its text passed the recorder's bound) kept the key's first
// characters in the recording (scrubSecrets finds whole keys only). A start of 8 characters or
// more is masked now, as the doors' hold-back masks it at a stream's end (web/key-hold.ts keyAt);
// a shorter one stays (`AIzaSy` is every Google key's start). On main the file held each prefix.

/** A Google-shaped key the session's client has (39 characters). */
const KEY = 'AIzaSyC-live-cut-key3-0123456789abcdefg';
const FILLER = 'x'.repeat(MAX_RECORDED_LIVE_TEXT_CHARS - 12);

describe("a Live recording keeps no start of the key where a turn's text stopped", () => {
  it('turn complete, interrupted, and cut at the bound: the start is masked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-live-cut-key-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const { agent } = await liveFixture(
      {
        script: [
          // Complete, text and transcript ending mid-key.
          [{ text: `Done: ${KEY.slice(0, 30)}` }, { outputTranscript: `Said ${KEY.slice(0, 12)}` }],
          // Interrupted mid-key.
          [
            { text: `Again: ${KEY.slice(0, 10)}` },
            { text: KEY.slice(10, 21) },
            { awaitInterruption: true },
          ],
          // Past the bound: 12 characters of the key fit, the rest is cut.
          [{ text: `${FILLER}${KEY} end.` }],
          // A short start (`AIzaSy`, six characters) stays text.
          [{ text: 'Prefix AIzaSy' }],
        ],
      },
      {},
      KEY,
    );
    const recorder = createLiveRecorder({ dir });
    const session = await recordLiveSession(agent, { recorder, model: 'gemini-live-test' });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('One.');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    session.sendText('Two.');
    await readUntil(
      iterator,
      (event) => event.type === 'text-delta' && event.text === KEY.slice(10, 21),
    );
    session.sendText('Three.');
    const third = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(third[0]).toEqual({ type: 'interrupted' });
    session.sendText('Four.');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    await session.close();
    await recorder.flush();

    const names = await readdir(dir);
    const lines = (await readFile(join(dir, names[0] as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const turns = lines.filter((line) => line['type'] === 'turn');
    expect(turns.map((turn) => turn['outcome'])).toEqual([
      'complete',
      'interrupted',
      'complete',
      'complete',
    ]);
    expect(turns[0]?.['text']).toBe('Done: [redacted]');
    expect(turns[0]?.['outputTranscript']).toBe('Said [redacted]');
    expect(turns[1]?.['text']).toBe('Again: [redacted]');
    expect(turns[2]?.['text']).toBe(`${FILLER}[redacted]…`);
    expect(turns[3]?.['text']).toBe('Prefix AIzaSy');
    const raw = JSON.stringify(lines);
    expect(raw).not.toContain(KEY.slice(0, 10));
  });
});
