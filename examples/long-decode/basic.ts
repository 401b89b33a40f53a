// Long decode: since Gemini 4, an answer that reaches the per-request token cap ends with
// finishReason CONTINUATION and a continuationToken, and the same request sent again with the
// token continues it. The agent does this by itself, inside one step (the continuation plugin
// every agent has by default, listed in `agent.plugins`; the `continuation` option configures it,
// `false` removes it): the step's one model turn holds every hop's parts, its usage sums every hop,
// and a stream that drops after a checkpoint resumes from it, its deltas after the checkpoint held
// back so nothing shown is regenerated.
//
// Offline, the fake scripts a long answer in 3 hops with checkpoint tokens, and drops the first
// stream once after a checkpoint.
//
//   node scripts/run-example.mjs long-decode

import { createAgent } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { run } from '../lib/run.ts';
import { shownText } from '../lib/trace-printer.ts';

const HOPS = [
  'Chapter 1. The fake model began a story longer than one request allows. ',
  'Chapter 2. When the request cap came, it said CONTINUATION and handed over a token. ',
  'Chapter 3. The agent sent the same request with the token, twice, and the story ended.',
];

await run(
  async ({ gemini, model, style, logger }) => {
    const agent = createAgent({ gemini, model, logger });
    const names = (agent.plugins ?? []).map((plugin) => plugin.name);
    console.log(style.dim(`plugins: ${names.join(', ')}`));
    const stream = agent.stream('Tell me a long story in three chapters.');
    for await (const event of stream) {
      if (event.type === 'text-delta') process.stdout.write(event.text);
      if (event.type === 'continuation') {
        process.stdout.write(style.dim(`\n[${event.kind}: hop ${event.hop}]\n`));
      }
    }
    const result = await stream.result;
    const step = result.steps[0];
    const report = step?.continuation;
    console.log('\n');
    console.log(`finishReason: ${result.finishReason}, model turns: ${result.steps.length}`);
    if (report === undefined) {
      console.log('The answer fit in one request.');
      return;
    }
    console.log(
      `hops: ${report.hops.length}, reconnects: ${report.reconnects}, restarted: ${report.restarted}`,
    );
    report.hops.forEach((hop, index) => {
      console.log(
        `  hop ${index + 1}: ${shownText(String(hop.finishReason))}, ${hop.usage?.promptTokenCount} prompt + ${hop.usage?.candidatesTokenCount} output tokens`,
      );
    });
    console.log(
      `usage: ${step?.usage.totalTokenCount} tokens billed; the prompt's size in the window: ${report.firstPromptTokenCount} tokens`,
    );
  },
  {
    description: 'A long answer continued over several requests (CONTINUATION), in one step.',
    script: [
      turn.continued(
        HOPS.map((text) => turn.text(text)),
        { checkpoints: true },
      ),
    ],
    fakeOptions: {
      chunkSize: 24,
      // The first stream drops after its third chunk: the agent resumes from the last checkpoint.
      faults: [{ fault: { type: 'connection-reset', afterChunks: 3 }, on: 0 }],
    },
  },
);
