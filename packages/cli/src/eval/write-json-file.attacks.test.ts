import { describe, expect, it } from 'vitest';
import { writeOut } from './run-eval-suite.ts';
import { writeJsonFile } from './write-json-file.ts';

// attack29's note, leftovers35a: `gemloop eval --json <path>`, `--junit <path>`, `eval from-runs
// --out <path>` made the file's folder with Node's `mkdir(dir, { recursive: true })`, which never
// settles for a folder under /proc (procfs answers ENOENT, Node makes the parent and tries again,
// forever, at 100 % CPU): the command hung after the suite ran. The bounded `mkdir -p` fails.

/** `promise`, or a rejection naming `what` after 10 s (a hang guard, not a timing). */
async function settles<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never settled`)), 10_000);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

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
