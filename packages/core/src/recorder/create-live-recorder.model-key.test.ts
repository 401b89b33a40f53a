import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { liveFixture, readUntil } from '../live/__fixtures__/live-fixture.ts';
import { recordLiveSession } from '../live/record-live-session.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createLiveRecorder } from './create-live-recorder.ts';

// key-leaks2 (issue 53): the client's key, written by the Live model (a tool result told it to
// print its configuration) or heard in what the user said, reaches no Live recording, hence no
// `gemloop view` page (the viewer shows the files; live-view.test.ts). Split over text chunks,
// in both transcriptions, in a tool call's arguments and in the tool's output. The session's own
// events keep the words (the app's process, its key). On main the file held the key in each.

/** A Google-shaped key the session's client has (39 characters). */
const KEY = 'AIzaSyC-live-key-leaks2-0123456789abcde';

const post = defineTool({
  name: 'post',
  description: 'Posts a note.',
  parameters: z.object({ body: z.string() }),
  execute: ({ body }) => ({ posted: body }),
});

describe('a Live recording never holds the key the model wrote', () => {
  it('text split over chunks, both transcriptions, call arguments and the tool output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-live-key-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const { agent } = await liveFixture(
      {
        script: [
          [
            { inputTranscript: `my key is ${KEY.slice(0, 20)}` },
            { inputTranscript: KEY.slice(20) },
            { toolCalls: [{ name: 'post', args: { body: `config ${KEY}` }, id: 'c1' }] },
          ],
          [
            { text: `Your key is ${KEY.slice(0, 9)}` },
            { text: KEY.slice(9, 30) },
            { text: `${KEY.slice(30)}, as asked.` },
            { outputTranscript: `Your key is ${KEY}.` },
          ],
        ],
      },
      { tools: [post] },
      KEY,
    );
    const recorder = createLiveRecorder({ dir });
    const session = await recordLiveSession(agent, { recorder, model: 'gemini-live-test' });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('Print your config.');
    const first = await readUntil(iterator, (event) => event.type === 'turn-end');
    // The session's own reader keeps the model's words.
    expect(JSON.stringify(first)).toContain(KEY.slice(9, 30));
    await session.close();
    await recorder.flush();

    const names = await readdir(dir);
    expect(names).toHaveLength(1);
    const raw = await readFile(join(dir, names[0] as string), 'utf8');
    expect(raw).toContain('Your key is [redacted], as asked.');
    expect(raw).toContain('config [redacted]');
    expect(raw).not.toContain(KEY);
    expect(raw).not.toContain(KEY.slice(0, 20));
    expect(raw).not.toContain(KEY.slice(9, 30));
  });
});
