import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { type OpenedUploadSource, openUploadSource } from './read-upload-source.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

/** Every chunk of `length` bytes until the source is done. */
async function readAll(source: OpenedUploadSource, length: number): Promise<number[][]> {
  const chunks: number[][] = [];
  for (;;) {
    const chunk = await source.next(length);
    if (chunk.byteLength === 0) break;
    chunks.push([...chunk]);
  }
  await source.close();
  return chunks;
}

function streamOf(...chunks: unknown[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk as Uint8Array);
      controller.close();
    },
  });
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('openUploadSource', () => {
  it('reads bytes, an ArrayBuffer and a Blob in chunks of the asked length', async () => {
    const data = bytes(1, 2, 3, 4, 5);
    const blob = new Blob([data], { type: 'image/png' });
    for (const source of [data, data.buffer, blob]) {
      const opened = await openUploadSource(source, undefined);
      expect(opened.size).toBe(5);
      expect(await readAll(opened, 2)).toEqual([[1, 2], [3, 4], [5]]);
    }
    expect((await openUploadSource(blob, undefined)).type).toBe('image/png');
    expect((await openUploadSource(new Blob([data]), undefined)).type).toBeUndefined();
  });

  it('regroups a stream of uneven chunks into chunks of the asked length', async () => {
    const opened = await openUploadSource(
      streamOf(bytes(1), bytes(), bytes(2, 3, 4), bytes(5, 6, 7)),
      7,
    );
    expect(opened.size).toBe(7);
    expect(await readAll(opened, 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('reads stream chunks that are other byte views or ArrayBuffers', async () => {
    const buffer = bytes(9, 8, 7, 6).buffer;
    const opened = await openUploadSource(
      streamOf(new DataView(buffer, 1, 2), bytes(5).buffer, new Uint16Array([0x0201])),
      undefined,
    );
    const chunks = await readAll(opened, 10);
    expect(chunks[0]?.slice(0, 3)).toEqual([8, 7, 5]);
    expect(chunks.flat()).toHaveLength(5);
  });

  it('refuses a text stream by name instead of failing on a missing method', async () => {
    const opened = await openUploadSource(streamOf('hello'), undefined);
    const error = await opened.next(10).catch((thrown: unknown) => thrown);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('read a string from the ReadableStream');
    expect((error as Error).message).toContain('TextEncoderStream');
    await opened.close();
  });

  it('refuses a bad stream size and sources it cannot read', async () => {
    for (const size of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(openUploadSource(streamOf(bytes(1)), size)).rejects.toThrow(/options\.size/);
    }
    for (const source of [42, { data: 'x' }, null, new Int16Array(2)]) {
      await expect(openUploadSource(source as never, undefined)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });

  it('cancels a stream closed before its end, and closes an errored one without throwing', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytes(1, 2, 3));
      },
      cancel() {
        cancelled = true;
      },
    });
    const opened = await openUploadSource(stream, undefined);
    expect([...(await opened.next(2))]).toEqual([1, 2]);
    await opened.close();
    expect(cancelled).toBe(true);
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('disk gone'));
      },
    });
    const broken = await openUploadSource(failing, undefined);
    await expect(broken.next(1)).rejects.toThrow('disk gone');
    await expect(broken.close()).resolves.toBeUndefined();
  });

  it('reads a file path a chunk at a time, an empty file as no chunk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-upload-'));
    dirs.push(dir);
    const path = join(dir, 'data.bin');
    await writeFile(path, bytes(1, 2, 3, 4, 5));
    const opened = await openUploadSource(path, undefined);
    expect(opened.size).toBe(5);
    expect(await readAll(opened, 4)).toEqual([[1, 2, 3, 4], [5]]);
    const empty = join(dir, 'empty.bin');
    await writeFile(empty, new Uint8Array());
    expect(await readAll(await openUploadSource(empty, undefined), 4)).toEqual([]);
  });
});
