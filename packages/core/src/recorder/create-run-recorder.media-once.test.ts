import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createRunRecorder } from './create-run-recorder.ts';
import { OMITTED_OPAQUE_VALUE, type RecordedRunLine } from './recorded-run.ts';
import { createRecordedMediaResolver } from './resolve-recorded-media.ts';
import { RUN_FILE_NAME } from './run-file.ts';

// A 5 MB photo (random bytes: base64 of it, ~7 MB of text) in a run of ten tool steps: every
// step's request holds the whole history, the photo included.
const PHOTO = randomBytes(5 * 1024 * 1024)
  .toString('base64')
  // Random base64 holds a Google key's shape (`AIza` + 35 word characters) in about one 7 MB
  // image of seven, which the run's secret redaction replaces (a known limit, bench/RESULTS.md
  // media55b): this test is about copies, so its image holds none.
  .replaceAll('AIza', 'AJza');
const STEPS = 10;

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const look = defineTool({
  name: 'look_closer',
  description: 'Looks at a region of the photo.',
  parameters: { type: 'object', properties: { region: { type: 'string' } }, required: ['region'] },
  execute: async ({ region }) => ({ region, seen: 'a cat' }),
});

async function setup(script: ReturnType<typeof turn.text>[]) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-media-once-'));
  dirs.push(dir);
  const gemini = createGemini({ baseUrl: url, apiKey: 'media-key', retry: false });
  // Room for the photo and for ten copies of it: the bound is what the test measures.
  const recorder = createRunRecorder({
    dir,
    fidelity: 'full',
    maxOpaqueBytes: 16 * 1024 * 1024,
    maxRunBytes: 200 * 1024 * 1024,
  });
  return { fake, dir, gemini, recorder };
}

async function runFiles(dir: string): Promise<{ bytes: number; text: string }[]> {
  const names = (await readdir(dir)).filter((name) => RUN_FILE_NAME.test(name)).sort();
  return Promise.all(
    names.map(async (name) => ({
      bytes: (await stat(join(dir, name))).size,
      text: await readFile(join(dir, name), 'utf8'),
    })),
  );
}

const photoMessage = [
  { text: 'What is in this photo? Look closer at each corner.' },
  { inlineData: { mimeType: 'image/png', data: PHOTO } },
];

describe('a full recording of a run with an image', () => {
  it('holds the image once however many steps resend it, and reads back byte for byte', async () => {
    const calls = Array.from({ length: STEPS - 1 }, (_, index) =>
      turn.calls([{ name: 'look_closer', args: { region: `corner ${index}` } }]),
    );
    const { fake, dir, gemini, recorder } = await setup([...calls, turn.text('A cat.')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [look],
      recorder,
      telemetry: false,
      maxSteps: STEPS + 1,
    });
    await agent.run(photoMessage);
    await recorder.flush();

    const [file] = await runFiles(dir);
    if (file === undefined) throw new Error('no run file');
    expect(fake.requests).toHaveLength(STEPS);
    // One copy of the photo's text plus the run's other lines (ten requests' words and tool
    // calls: a few kilobytes), not ten copies (~70 MB).
    expect(file.bytes).toBeGreaterThan(PHOTO.length);
    expect(file.bytes).toBeLessThan(PHOTO.length + 64 * 1024);
    expect(file.text.split(PHOTO)).toHaveLength(2);

    const media = createRecordedMediaResolver();
    const lines = file.text
      .trim()
      .split('\n')
      .map((raw) => media.resolve(JSON.parse(raw) as RecordedRunLine));
    const requests = lines.flatMap((line) =>
      line.type === 'model-call-start' ? [line.request as { contents: unknown }] : [],
    );
    expect(requests).toHaveLength(STEPS);
    // Each recorded request's contents as the model received them, every string whole.
    const sent = fake.requests.map((request) => (request.body as { contents: unknown }).contents);
    for (const [index, request] of requests.entries())
      expect(JSON.stringify(request.contents)).toBe(JSON.stringify(sent[index]));
  }, 120_000);

  it('holds the image once in each chat turn file (each file reads on its own)', async () => {
    const { dir, gemini, recorder } = await setup([
      turn.text('A cat.'),
      turn.text('Grey.'),
      turn.text('Yes.'),
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    const chat = createChatSession({ agent });
    await chat.send(photoMessage);
    await chat.send('What colour is it?');
    await chat.send('Is it asleep?');
    await recorder.flush();

    const files = await runFiles(dir);
    expect(files).toHaveLength(3);
    for (const file of files) {
      expect(file.text.split(PHOTO)).toHaveLength(2);
      expect(file.bytes).toBeLessThan(PHOTO.length + 16 * 1024);
    }
  }, 120_000);
});

describe('createRecordedMediaResolver', () => {
  const reference = (data: string, digest: string): string =>
    `[${data.length} characters omitted: same as sha256:${digest}]`;
  const blob = (data: string) => ({ inlineData: { mimeType: 'image/png', data } });

  it('leaves a file without references as it was, the same objects', () => {
    const media = createRecordedMediaResolver();
    const line = { type: 'model-call-start', request: { contents: [{ parts: [blob(PHOTO)] }] } };
    expect(media.resolve(line)).toBe(line);
  });

  it('leaves a reference nothing earlier matches, which still reads as shortened', () => {
    const media = createRecordedMediaResolver();
    const other = 'QUJD'.repeat(1000);
    media.resolve({ request: { contents: [{ parts: [blob(other)] }] } });
    const written = reference(other, '0'.repeat(64));
    const line = { request: { contents: [{ parts: [blob(written)] }] } };
    expect(media.resolve(line)).toBe(line);
    expect(OMITTED_OPAQUE_VALUE.test(written)).toBe(true);
  });

  it('answers a reference with the earlier value of its digest, keeping key order', async () => {
    const { createHash } = await import('node:crypto');
    const first = 'QUJD'.repeat(1000);
    const second = 'REVG'.repeat(1000);
    const media = createRecordedMediaResolver();
    media.resolve({ parts: [blob(first), blob(second)] });
    const digest = createHash('sha256').update(second).digest('hex');
    const resolved = media.resolve({ parts: [{ text: 'again' }, blob(reference(second, digest))] });
    expect(JSON.stringify(resolved)).toBe(
      JSON.stringify({ parts: [{ text: 'again' }, blob(second)] }),
    );
  });
});
