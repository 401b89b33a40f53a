import { mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@gemloop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileTools } from './create-file-tools.ts';

// attack66: a careless app's root. Every root realpath could not resolve was "does not exist.
// Create the folder first.", quoted whole: a 5,000-character root put 5,000 characters in the
// error (and the log line that carries it); a root through a file (`notes.txt/work`), one too long
// for the file system, one holding a NUL byte or one whose links loop each told the app to create a
// folder that creating would not help (or that mkdir would refuse for the same reason).

let base: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-a66-')));
  await writeFile(join(base, 'notes.txt'), 'x');
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** The error `createFileTools` throws for `root`. */
function refusal(root: string): InvalidArgumentError {
  let thrown: unknown;
  try {
    createFileTools({ root });
  } catch (error) {
    thrown = error;
  }
  expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
  expect(thrown).toMatchObject({ argument: 'root' });
  return thrown as InvalidArgumentError;
}

describe('createFileTools with a root that cannot be opened', () => {
  it('a missing folder still says to create it', () => {
    expect(refusal(join(base, 'nope')).message).toMatch(
      /does not exist\. Create the folder first\./,
    );
  });

  it('a path through a file names the file in the way, not a missing folder', () => {
    const message = refusal(join(base, 'notes.txt', 'work')).message;
    expect(message).not.toMatch(/does not exist|Create the folder/);
    expect(message).toMatch(/part of the path is a file, not a folder/);
  });

  it('a root too long for the file system says so, and the message stays short', () => {
    const message = refusal(`/${'a'.repeat(5000)}`).message;
    expect(message).toMatch(/too long/);
    expect(message).not.toMatch(/Create the folder/);
    expect(message.length).toBeLessThan(500);
    expect(message).toContain('characters omitted');
  });

  it('a root holding a NUL byte names the NUL byte and shows it escaped', () => {
    const message = refusal(`${base}\0/work`).message;
    expect(message).toMatch(/NUL byte/);
    expect(message).not.toMatch(/Create the folder/);
    expect(message).not.toContain('\0');
    expect(message).toContain('\\u0000');
  });

  it('a root whose symbolic links loop says so', async () => {
    await symlink(join(base, 'loop-b'), join(base, 'loop-a'));
    await symlink(join(base, 'loop-a'), join(base, 'loop-b'));
    const message = refusal(join(base, 'loop-a')).message;
    expect(message).toMatch(/symbolic links/);
    expect(message).not.toMatch(/Create the folder/);
  });

  it('a root with a line break is quoted on one line', () => {
    const message = refusal(join(base, 'no\nsuch')).message;
    expect(message).not.toContain('\n');
  });
});
