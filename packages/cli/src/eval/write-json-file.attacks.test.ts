import { settles } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { writeOut } from './run-eval-suite.ts';
import { writeJsonFile } from './write-json-file.ts';

// attack29's note, leftovers35a: `gemloop eval --json <path>`, `--junit <path>`, `eval from-runs
// --out <path>` made the file's folder with Node's `mkdir(dir, { recursive: true })`, which never
// settles for a folder under /proc (procfs answers ENOENT, Node makes the parent and tries again,
// forever, at 100 % CPU): the command hung after the suite ran. The bounded `mkdir -p` fails.

describe("the eval commands' report writers under /proc", () => {
  it.each([
    ['writeJsonFile', () => writeJsonFile('/proc/gemloop-attack/reports/a.json', { a: 1 })],
    ['writeOut', () => writeOut('/proc/gemloop-attack/reports/a.xml', '<x/>')],
  ])('%s rejects with ENOENT instead of hanging', async (name, write) => {
    const error = await settles(
      write().catch((caught: unknown) => caught),
      name,
    );
    expect(error).toMatchObject({ code: 'ENOENT' });
  });
});
