import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, type ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileTools } from './create-file-tools.ts';

// attack15: an options object whose getter gives one value to the check and another to the use
// (a config Proxy, a lazily computed setting). The options were checked, then read again by the
// destructuring that used them: `maxReadBytes` read 10 for the check and NaN for the tool, so a
// bound the check would refuse reached the tool unseen. Each option is now read once.

const context: ToolExecuteContext = {
  signal: new AbortController().signal,
  toolCallId: 'call-1',
  step: 1,
  logger: silentLogger,
  contents: [],
};

/** An option that reads `first` once, then `later` for ever after. */
function changing<T>(target: Record<string, unknown>, key: string, first: T, later: unknown) {
  let reads = 0;
  Object.defineProperty(target, key, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  });
  return target;
}

let root: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-a15-')));
  await writeFile(join(root, 'big.txt'), 'x'.repeat(5000));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createFileTools with an option that changes between reads', () => {
  it('holds the value the check saw: maxReadBytes 10 then NaN reads 10 bytes', async () => {
    const tools = createFileTools(changing({ root }, 'maxReadBytes', 10, Number.NaN) as never);
    const result = (await tools.readFile.execute({ path: 'big.txt' }, context)) as {
      content: string;
    };
    expect(result.content.length).toBe(10);
  });

  it('a getter that throws is the typed error naming the option, its own error the cause', () => {
    // attack60d: it surfaced as its own error, naming no option (this test pinned that); an
    // options object that cannot be read is bad input like any other.
    const options = { root };
    Object.defineProperty(options, 'maxReadBytes', {
      enumerable: true,
      get: () => {
        throw new Error('config unavailable');
      },
    });
    let thrown: unknown;
    try {
      createFileTools(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ argument: expect.stringMatching(/maxReadBytes$/) });
    expect((thrown as Error).message).not.toContain('config unavailable');
    expect(((thrown as Error).cause as Error).message).toBe('config unavailable');
  });
});
