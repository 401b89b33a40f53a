// A child process that appends chat turns to one session of a file store (compiled to JavaScript
// by the test) while another such process may be doing the same:
//
//   node append-concurrently.mjs <store module path> <history file> <writer name> <turns> [keep-open]
//
// With keep-open the store is not closed: the process just ends, and its exit removes the lock.
//
// Prints "ready" once loaded and starts on a line on stdin (so that two writers start together).
// Prints "saved <writer> <n>" once each append resolved (an acknowledged turn), and on a failure
// "failed <writer> <JSON of the error's code, reason, holder and message>" and exits with 2.
import { pathToFileURL } from 'node:url';

const [storeModule, file, writer, turns, keepOpen] = process.argv.slice(2);
const { createFileHistoryStore } = await import(pathToFileURL(storeModule).href);
const store = createFileHistoryStore({ path: file, fsync: false });
const logger = {
  child: () => logger,
  debug() {},
  info() {},
  warn() {},
  error() {},
};

process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.destroy();

try {
  for (let index = 0; index < Number(turns); index++) {
    await store.append(
      's',
      {
        contents: [
          { role: 'user', parts: [{ text: `${writer} question ${index}` }] },
          { role: 'model', parts: [{ text: `${writer} answer ${index} ${'.'.repeat(200_000)}` }] },
        ],
        createdAt: index,
      },
      { logger },
    );
    process.stdout.write(`saved ${writer} ${index}\n`);
  }
  if (keepOpen !== 'keep-open') await store.close();
} catch (error) {
  const { code, reason, holder, lockFile, message } = error;
  process.stdout.write(
    `failed ${writer} ${JSON.stringify({ code, reason, holder, lockFile, message })}\n`,
  );
  process.exit(2);
}
