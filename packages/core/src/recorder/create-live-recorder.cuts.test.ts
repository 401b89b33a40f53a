import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { liveFixture, readUntil } from '../live/__fixtures__/live-fixture.ts';
import { recordLiveSession } from '../live/record-live-session.ts';
import { createLiveRecorder } from './create-live-recorder.ts';
import { MAX_RECORDED_LIVE_TEXT_CHARS } from './recorded-live.ts';

// A live transcript cuts long text to a bound; the cut falls on a whole character, since a lone
// half of an emoji is refused by a strict UTF-8 or JSON reader (the viewer, a log shipper).

function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

describe('a live transcript cut at its bound', () => {
  it("never splits an emoji of the model's text or the user's", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-live-cut-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const emojiAtBound = `${'y'.repeat(MAX_RECORDED_LIVE_TEXT_CHARS - 1)}${'😀'.repeat(5)}`;
    const { agent } = await liveFixture({
      script: [
        [{ text: emojiAtBound }, { usage: { promptTokenCount: 10, totalTokenCount: 10 } }],
        // Two deltas whose sum passes the bound inside an emoji.
        [
          { text: 'x'.repeat(MAX_RECORDED_LIVE_TEXT_CHARS - 3) },
          { text: `ab${'😀'.repeat(3)}` },
          { usage: { promptTokenCount: 10, totalTokenCount: 10 } },
        ],
        // An emoji that does not fit, then text that would: the text stays a prefix of what was said.
        [
          { text: 'w'.repeat(MAX_RECORDED_LIVE_TEXT_CHARS - 1) },
          { text: '😀' },
          { text: 'abc' },
          { usage: { promptTokenCount: 10, totalTokenCount: 10 } },
        ],
      ],
    });
    const recorder = createLiveRecorder({ dir });
    const session = await recordLiveSession(agent, {
      recorder,
      model: 'gemini-3.1-flash-live-preview',
    });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText(emojiAtBound);
    await readUntil(iterator, (event) => event.type === 'turn-end');
    session.sendText('again');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    session.sendText('once more');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    await session.close();
    await recorder.flush();

    const [name] = await readdir(dir);
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; text?: string; textChars?: number });
    const texts = lines.filter((line) => line.type === 'turn' || line.type === 'user-text');
    expect(texts.map((line) => line.type)).toEqual([
      'user-text',
      'turn',
      'user-text',
      'turn',
      'user-text',
      'turn',
    ]);
    for (const line of texts) expect(hasLoneSurrogate(line.text ?? ''), line.type).toBe(false);
    const [userText, firstTurn, , secondTurn, , thirdTurn] = texts;
    expect(userText?.text).toBe(`${'y'.repeat(MAX_RECORDED_LIVE_TEXT_CHARS - 1)}…`);
    expect(userText?.textChars).toBe(emojiAtBound.length);
    expect(firstTurn?.text).toBe(`${'y'.repeat(MAX_RECORDED_LIVE_TEXT_CHARS - 1)}…`);
    expect(secondTurn?.text).toBe(`${'x'.repeat(MAX_RECORDED_LIVE_TEXT_CHARS - 3)}ab…`);
    expect(secondTurn?.textChars).toBe(MAX_RECORDED_LIVE_TEXT_CHARS - 3 + 2 + 6);
    expect(thirdTurn?.text).toBe(`${'w'.repeat(MAX_RECORDED_LIVE_TEXT_CHARS - 1)}…`);
    expect(thirdTurn?.textChars).toBe(MAX_RECORDED_LIVE_TEXT_CHARS - 1 + 2 + 3);
  });
});
