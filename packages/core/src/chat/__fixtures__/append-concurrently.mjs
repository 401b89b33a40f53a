// A child process that appends chat turns to one session of a file store (compiled to JavaScript
// by the test) while another such process may be doing the same:
//
//   node append-concurrently.mjs <store module path> <history file> <writer name> <turns> [keep-open]
//
// With keep-open the store is not closed: the process just ends, and its exit removes the lock.
//
// Prints "ready" once loaded and starts on a line on stdin (so that two writers start together).
// Prints "saved <writer> <n>" once each append resolved (an acknowledged turn), then "done
// <writer>", and closes its store and ends on the next line on stdin. On a failure it prints
// "failed <writer> <JSON of the error's code, reason, holder and message>" and exits with 2.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { silentLogger as logger, writerTurn } from './writer-turns.mjs';

const [storeModule, file, writer, turns, keepOpen] = process.argv.slice(2);
const { createFileHistoryStore } = await import(pathToFileURL(storeModule).href);
const store = createFileHistoryStore({ path: file, fsync: false });

// Lines on stdin say when to start and when to finish.
const lines = createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => lines.once('line', resolve));
process.stdout.write('ready\n');
await nextLine();

try {
  for (let index = 0; index < Number(turns); index++) {
    await store.append('s', writerTurn(writer, index, 200_000), { logger });
    process.stdout.write(`saved ${writer} ${index}\n`);
  }
} catch (error) {
  const { code, reason, holder, lockFile, message } = error;
  process.stdout.write(
    `failed ${writer} ${JSON.stringify({ code, reason, holder, lockFile, message })}\n`,
  );
  process.exit(2);
}
// Holds the store (and its lock) until told to finish, so the other writer cannot start after
// this one is done however the two are scheduled.
process.stdout.write(`done ${writer}\n`);
await nextLine();
if (keepOpen !== 'keep-open') await store.close();
lines.close();
