import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SOURCE = fileURLToPath(new URL('../..', import.meta.url));

/** Every production `.ts` file under packages/dbos/src (tests and fixtures left out). */
function productionFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : productionFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

// A step started with DBOS.runStep directly lets DBOS's untyped `DBOSUnexpectedStepError` end a
// run whose replay meets another step's record; `runDurableStep` turns it into
// `DurableReplayMismatchError` (leftovers54). Before, six sites called DBOS directly (approvals,
// the run's events, interaction waits, batch polls, unprepared children, Live tools).
describe('runDurableStep', () => {
  it('is the only caller of DBOS.runStep in the package', () => {
    const direct = productionFiles(SOURCE)
      .filter((path) => !path.endsWith('run-durable-step.ts'))
      .filter((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .some((line) => /\bDBOS\s*\.\s*runStep\s*[(<]/.test(line) && !/^\s*(\/\/|\*)/.test(line)),
      )
      .map((path) => relative(SOURCE, path));
    expect(direct).toEqual([]);
  });

  // DBOS checks these operations' names on a replay too; `durable-operations.ts` turns their
  // mismatch (leftovers57). Before, approvals (setEvent), the run's events (writeStream), the
  // model step's and the waits' sleeps, children and Live tools called DBOS directly.
  it('leaves setEvent, sleep, getEvent, writeStream, startWorkflow and recv to its wrappers', () => {
    const operation =
      /\bDBOS\s*\.\s*(setEvent|sleepms|sleep|sleepSeconds|getEvent|writeStream|startWorkflow|recv)\s*[(<]/;
    const direct = productionFiles(SOURCE)
      .filter((path) => !path.endsWith('durable-operations.ts'))
      // Steering's read turns its mismatch itself, beside its unreadable-message case (attack45a).
      .filter((path) => !path.endsWith('durable-run-messages.ts'))
      .filter((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .some((line) => operation.test(line) && !/^\s*(\/\/|\*)/.test(line)),
      )
      .map((path) => relative(SOURCE, path));
    expect(direct).toEqual([]);
  });
});
