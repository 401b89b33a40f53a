// A child process for door/stalled-reader-memory.attacks.test.ts: every door on one agent whose
// model streams `GEMLOOP_MODEL_MB` MiB of text as fast as it is read, on 127.0.0.1. It prints
// `port <n>` once listening, then, each time the model's stream ended or was cancelled, one line of
// JSON: the model's bytes read, whether the door cancelled it, and the heap's and RSS's peak
// growth over the run (sampled as the model's chunks are read, and after a full GC).
import { createServer } from 'node:http';
import { createAgent, createGemini } from '@gemloop/core';
import { toNodeListener } from '../../node/to-node-listener.ts';
import { mountDoors } from '../mount-doors.ts';

const total = Number(process.env['GEMLOOP_MODEL_MB'] ?? '64') * 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const encoder = new TextEncoder();
const frame = (text: string, last: boolean) =>
  encoder.encode(
    `data: ${JSON.stringify({
      candidates: [
        {
          index: 0,
          content: { role: 'model', parts: [{ text }] },
          ...(last ? { finishReason: 'STOP' } : {}),
        },
      ],
    })}\r\n\r\n`,
  );
const piece = frame('x'.repeat(64 * 1024), false);

let baseHeap = 0;
let baseRss = 0;
let peakHeap = 0;
let peakRss = 0;
let read = 0;
let reported = false;
const sample = () => {
  const { heapUsed, rss } = process.memoryUsage();
  peakHeap = Math.max(peakHeap, heapUsed - baseHeap);
  peakRss = Math.max(peakRss, rss - baseRss);
};
const report = (cancelled: boolean) => {
  if (reported) return;
  reported = true;
  sample();
  process.stdout.write(
    `${JSON.stringify({ read, cancelled, peakHeapMb: peakHeap / 2 ** 20, peakRssMb: peakRss / 2 ** 20 })}\n`,
  );
};

// Each model call measured afresh: one server serves the test's doors one after the other.
const fetch = async () => {
  reported = false;
  read = 0;
  peakHeap = 0;
  peakRss = 0;
  gc();
  ({ heapUsed: baseHeap, rss: baseRss } = process.memoryUsage());
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (read >= total) {
        controller.enqueue(frame('.', true));
        controller.close();
        report(false);
        return;
      }
      controller.enqueue(piece);
      read += piece.byteLength;
      pulls += 1;
      if (pulls % 8 === 0) sample();
    },
    cancel() {
      report(true);
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
};

const gemini = createGemini({
  apiKey: 'gemini-secret-key',
  retry: false,
  fetch: fetch as typeof globalThis.fetch,
});
const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
const doors = mountDoors({
  authorize: (request) =>
    request.headers.get('authorization') === 'Bearer door-alice-0123456789' ? 'alice' : null,
  openai: { agents: { support: agent } },
  agUi: { agent },
});
const server = createServer(toNodeListener(doors.handler));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`port ${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
