import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createRunRecorder } from './create-run-recorder.ts';
import type { RecordedRunLine } from './recorded-run.ts';
import { createRecordedMediaResolver } from './resolve-recorded-media.ts';
import { RUN_FILE_NAME } from './run-file.ts';

// attack56: full recordings' media references read back by what users' tools return and by
// files edited by hand. An image of 4,000 base64 characters (past the 1,024 a reference needs),
// free of a Google key's shape, which the run's redaction would replace.
const IMAGE = randomBytes(3000).toString('base64').replaceAll('AIza', 'AJza');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const reference = (length: number, text: string): string =>
  `[${length} characters omitted: same as sha256:${sha256(text)}]`;

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * A full recording of a run whose tool returns `result` at each of three steps (the image rides
 * in every later request's history), and the file's text with the model's requests as the
 * fake received them.
 */
async function recordToolRun(result: () => Record<string, unknown>, apiKey = 'media-key-0000') {
  const fake = createFakeGemini({
    script: [
      turn.calls([{ name: 'snapshot', args: {} }]),
      turn.calls([{ name: 'snapshot', args: {} }]),
      turn.text('Done.'),
    ],
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-media-attacks-'));
  dirs.push(dir);
  const recorder = createRunRecorder({ dir, fidelity: 'full' });
  const snapshot = defineTool({
    name: 'snapshot',
    description: 'Takes a snapshot.',
    parameters: { type: 'object', properties: {} },
    execute: async () => result(),
  });
  const agent = createAgent({
    gemini: createGemini({ baseUrl: url, apiKey, retry: false }),
    model: 'gemini-2.5-flash',
    tools: [snapshot],
    recorder,
    telemetry: false,
  });
  await agent.run('Take two snapshots.');
  await recorder.flush();
  const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
  const text = await readFile(join(dir, name as string), 'utf8');
  const sent = fake.requests.map((request) => (request.body as { contents: unknown }).contents);
  return { text, sent };
}

/** The recorded requests' contents, read back through the resolver. */
function recordedContents(text: string): unknown[] {
  const media = createRecordedMediaResolver();
  return text
    .trim()
    .split('\n')
    .map((raw) => media.resolve(JSON.parse(raw) as RecordedRunLine))
    .flatMap((line) =>
      line.type === 'model-call-start' ? [(line.request as { contents: unknown }).contents] : [],
    );
}

/** Each of the three recorded requests' contents, resolved, as the model received them. */
function expectReadBack(text: string, sent: unknown[]): unknown[] {
  const contents = recordedContents(text);
  expect(contents).toHaveLength(3);
  for (const [index, request] of contents.entries())
    expect(JSON.stringify(request)).toBe(JSON.stringify(sent[index]));
  return contents;
}

describe('a full recording of media a tool returns, read back', () => {
  it('resolves an image inside a media holder (a file with its preview)', async () => {
    // Before: the resolver replaced the outer holder's data and never looked at its other
    // fields, while the recorder's serializer visits them all: the preview was written once and
    // referred to after, and a reader got `[4000 characters omitted: same as sha256:…]` back in
    // the second and third requests (a fork from them sent that text in the image's place).
    const { text, sent } = await recordToolRun(() => ({
      mimeType: 'application/pdf',
      data: 'JVBERi0xLjQ=',
      preview: { mimeType: 'image/png', data: IMAGE },
    }));
    expect(text.split(IMAGE)).toHaveLength(2);
    expectReadBack(text, sent);
  });

  it('resolves an image 70 levels deep in a tool result behind a gateway', async () => {
    // Before: the walk stopped 64 levels into a line; the recorder refers to media at any depth.
    // With a real key a run's events are scrubbed, which replaces what lies past 24 levels; a
    // gateway's dummy key (`apiKey: 'dummy'`, shorter than a key the scrub names) leaves them
    // whole, and tool results are sent up to 1,000 levels deep.
    const nested = (): Record<string, unknown> => {
      let value: Record<string, unknown> = { mimeType: 'image/png', data: IMAGE };
      for (let level = 0; level < 70; level++) value = { x: value };
      return value;
    };
    const { text, sent } = await recordToolRun(nested, 'dummy');
    expect(text.split(IMAGE)).toHaveLength(2);
    expectReadBack(text, sent);
  });

  it('keeps each part its own MIME type when two hold the same bytes (held)', async () => {
    const { text, sent } = await recordToolRun(() => ({
      png: { mimeType: 'image/png', data: IMAGE },
      jpeg: { mimeType: 'image/jpeg', data: IMAGE },
    }));
    // Written whole once: the jpeg's copy in the same line is already a reference.
    expect(text.split(IMAGE)).toHaveLength(2);
    expectReadBack(text, sent);
  });

  it("resolves media under a `__proto__` key as the line's own field (held)", async () => {
    const { text, sent } = await recordToolRun(
      () =>
        JSON.parse(`{"__proto__":{"mimeType":"image/png","data":"${IMAGE}"}}`) as Record<
          string,
          unknown
        >,
    );
    const contents = expectReadBack(text, sent);
    expect(Object.getPrototypeOf(contents[2])).toBe(Array.prototype);
  });
});

describe('createRecordedMediaResolver on a file edited by hand', () => {
  const blob = (data: string) => ({ inlineData: { mimeType: 'image/png', data } });

  it('leaves a reference whose length was edited, however the file was read before', () => {
    // Before: the digest alone decided once the value was hashed, so the edited reference
    // resolved after a true one had asked and stayed as written otherwise.
    const edited = reference(5, IMAGE);
    const alone = createRecordedMediaResolver();
    alone.resolve({ parts: [blob(IMAGE)] });
    expect(alone.resolve({ parts: [blob(edited)] })).toEqual({ parts: [blob(edited)] });

    const after = createRecordedMediaResolver();
    after.resolve({ parts: [blob(IMAGE)] });
    expect(after.resolve({ parts: [blob(reference(IMAGE.length, IMAGE))] })).toEqual({
      parts: [blob(IMAGE)],
    });
    expect(after.resolve({ parts: [blob(edited)] })).toEqual({ parts: [blob(edited)] });
  });

  it('leaves a reference that comes before its value (lines moved) as written (held)', () => {
    const media = createRecordedMediaResolver();
    const early = { parts: [blob(reference(IMAGE.length, IMAGE))] };
    expect(media.resolve(early)).toBe(early);
    media.resolve({ parts: [blob(IMAGE)] });
    expect(media.resolve(early)).toEqual({ parts: [blob(IMAGE)] });
  });

  it('hashes each whole value once however many unknown references ask (held)', () => {
    // 2,000 distinct values of one length, then 2,000 references to digests none has: the first
    // hashes the values waiting, the rest find nothing new to hash.
    const media = createRecordedMediaResolver();
    const values = Array.from({ length: 2000 }, (_, index) =>
      `${index}`.padStart(8, '0').repeat(128),
    );
    media.resolve({ parts: values.map(blob) });
    const unknown = Array.from({ length: 2000 }, (_, index) => reference(1024, `nothing ${index}`));
    const line = { parts: unknown.map(blob) };
    expect(media.resolve(line)).toBe(line);
    const last = values.at(-1) as string;
    expect(media.resolve({ parts: [blob(reference(1024, last))] })).toEqual({
      parts: [blob(last)],
    });
  });
});

describe('createRecordedMediaResolver and a file of references to one image', () => {
  it('counts the characters its references stand for, each resolved one once', () => {
    const media = createRecordedMediaResolver();
    const blob = (data: string) => ({ inlineData: { mimeType: 'image/png', data } });
    media.resolve({ parts: [blob(IMAGE)] });
    expect(media.resolvedCharacters).toBe(0);
    const copy = blob(reference(IMAGE.length, IMAGE));
    media.resolve({ parts: [copy, copy, blob(reference(IMAGE.length, 'not seen'))] });
    expect(media.resolvedCharacters).toBe(2 * IMAGE.length);
  });
});
