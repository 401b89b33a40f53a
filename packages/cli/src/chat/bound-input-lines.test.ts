import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boundInputLines, InputLineTooLongError } from './bound-input-lines.ts';

/** Everything the bounded stream lets through, or the error it failed with. */
async function through(chunks: readonly string[], maxBytes: number) {
  const input = new PassThrough();
  const { stream, stop } = boundInputLines(input, maxBytes);
  const passed: Buffer[] = [];
  const ended = new Promise<unknown>((resolve) => {
    stream.on('data', (chunk: Buffer) => passed.push(chunk));
    stream.on('end', () => resolve(undefined));
    stream.on('error', resolve);
  });
  for (const chunk of chunks) input.write(chunk);
  input.end();
  const error = await ended;
  stop();
  return { text: Buffer.concat(passed).toString(), error };
}

describe('boundInputLines', () => {
  it('lets lines within the bound through as they are', async () => {
    const { text, error } = await through(['ab', 'cd\nef', 'gh\n', 'ijkl\n'], 4);
    expect(error).toBeUndefined();
    expect(text).toBe('abcd\nefgh\nijkl\n');
  });

  it('fails at a line past the bound that no chunk ends, counted across chunks', async () => {
    const { error } = await through(['abc', 'de'], 4);
    expect(error).toBeInstanceOf(InputLineTooLongError);
    expect((error as InputLineTooLongError).maxBytes).toBe(4);
    expect((error as Error).message).toContain('longer than 4 bytes');
  });

  it('fails at a long line a later chunk ends, and at one a chunk leaves open after a short one', async () => {
    expect((await through(['abc', 'def\nx\n'], 4)).error).toBeInstanceOf(InputLineTooLongError);
    expect((await through(['a\nbcdef'], 4)).error).toBeInstanceOf(InputLineTooLongError);
  });

  it('counts bytes, not characters', async () => {
    // Two characters of two bytes each and one more: five bytes.
    expect((await through(['ééa'], 4)).error).toBeInstanceOf(InputLineTooLongError);
    expect((await through(['éé\n'], 4)).error).toBeUndefined();
  });
});
