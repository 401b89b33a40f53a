// A child process that appends chat turns through the real file store (compiled to JavaScript by
// the test) and then dies by SIGKILL, as a crash would: no `finally`, no cleanup.
//
//   node append-and-die.mjs <store module path> <history file> half-write
//     appends one turn, then makes the next append's write put half its bytes on disk and kills
//     itself right there;
//   node append-and-die.mjs <store module path> <history file> loop
//     appends large turns forever, printing "saved <n>" after each append resolved, until the
//     parent kills it.
import { open } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { silentLogger as logger } from './writer-turns.mjs';

const [storeModule, file, mode] = process.argv.slice(2);
const { createFileHistoryStore } = await import(pathToFileURL(storeModule).href);
const store = createFileHistoryStore({ path: file });
const turn = (index, size) => ({
  contents: [
    { role: 'user', parts: [{ text: `Question ${index}` }] },
    {
      role: 'model',
      parts: [{ text: `Answer ${index} ${'.'.repeat(size)}`, thoughtSignature: 'c2lnbmVk' }],
    },
  ],
  createdAt: index,
});

if (mode === 'half-write') {
  await store.append('s', turn(0, 10), { logger });
  const probe = await open(`${file}.probe`, 'w');
  const prototype = Object.getPrototypeOf(probe);
  await probe.close();
  const write = prototype.write;
  prototype.write = async function (buffer, offset, length) {
    await write.call(this, buffer, offset, Math.floor(length / 2));
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {});
  };
  await store.append('s', turn(1, 100_000), { logger });
  console.log('the kill did not happen');
} else {
  for (let index = 0; ; index++) {
    await store.append('s', turn(index, 400_000), { logger });
    process.stdout.write(`saved ${index}\n`);
  }
}
