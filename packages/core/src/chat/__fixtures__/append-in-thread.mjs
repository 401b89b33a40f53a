// A worker thread that appends chat turns to one session of a file store (compiled to JavaScript
// by the test) while another thread of the same process may be doing the same.
//
//   new Worker(append-in-thread.mjs, { workerData: { storeModule, file, writer, turns, ownTimeOrigin } })
//
// With ownTimeOrigin the thread's performance.timeOrigin is its own start, as the HR-Time spec has
// it for a worker and as Node's own test expects (nodejs/node
// test/parallel/test-perf-hooks-worker-timeorigin.js: a worker's is greater than the main
// thread's); Node 20 gives every thread the process's.
//
// Posts { type: 'ready', timeOrigin } once loaded and starts on the message 'go'. Posts
// { type: 'saved', index } once each append resolved (an acknowledged turn), then { type: 'done' },
// and closes its store and ends on the message 'finish'. On a failure it posts { type: 'failed',
// error: { code, reason, holder, lockFile, message } } and ends.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { silentLogger as logger, writerTurn } from './writer-turns.mjs';

const { storeModule, file, writer, turns, ownTimeOrigin } = workerData;
if (ownTimeOrigin) {
  Object.defineProperty(performance, 'timeOrigin', {
    value: performance.timeOrigin + performance.now(),
  });
}
const { createFileHistoryStore } = await import(pathToFileURL(storeModule).href);
const store = createFileHistoryStore({ path: file, fsync: false });
const next = () => new Promise((resolve) => parentPort.once('message', resolve));
parentPort.postMessage({ type: 'ready', timeOrigin: performance.timeOrigin });
await next();

try {
  for (let index = 0; index < turns; index++) {
    await store.append('s', writerTurn(writer, index, 50_000), { logger });
    parentPort.postMessage({ type: 'saved', index });
  }
} catch (error) {
  const { code, reason, holder, lockFile, message } = error;
  parentPort.postMessage({ type: 'failed', error: { code, reason, holder, lockFile, message } });
  process.exit(0);
}
parentPort.postMessage({ type: 'done' });
await next();
await store.close();
process.exit(0);
