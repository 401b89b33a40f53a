// A loop guard: a model that calls the same tool with the same arguments again and again is first
// told so in the call's response (a steer), and, if it goes on, the run ends with a typed reason.
// Three runs of a looping model: without the guard (it runs to maxSteps), with the guard and a
// model that heeds the steer, and with the guard and a model that does not.
//
//   node scripts/run-example.mjs loop-guard
//
// Offline (no GEMINI_API_KEY, or --offline), the fake plays a model that loops on cue. A live
// model rarely loops on cue: the guard then just watches.

import { type AgentEvent, createAgent, defineTool } from '@gemloop/core';
import { loopGuard, loopGuardReasons } from '@gemloop/core/loop-guard';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

const searchOrders = defineTool({
  name: 'search_orders',
  description: 'Finds an order by its number.',
  parameters: z.object({ number: z.string() }),
  execute: ({ number }) => ({ number, status: 'shipped', carrier: 'DHL' }),
});

// Offline: "stubborn" asks for a model that never stops calling; otherwise it answers once the
// guard told it what it already got.
const looping: FakeScriptFunction = (_request, { lastUserText, functionResponses }) => {
  const last = functionResponses.at(-1)?.response;
  if (last?.['loopGuard'] !== undefined && !(lastUserText ?? '').includes('stubborn'))
    return turn.text('(scripted) Order 1042 has shipped with DHL.');
  return turn.call('search_orders', { number: '1042' });
};

await run(
  async ({ gemini, model }) => {
    const question = 'Where is order 1042?';
    const plain = createAgent({ gemini, model, tools: [searchOrders], maxSteps: 12 });
    const guarded = createAgent({
      gemini,
      model,
      tools: [searchOrders],
      maxSteps: 12,
      plugins: [loopGuard()],
    });

    const unguarded = await plain.run(`${question} (stubborn)`);
    console.log(
      `without the guard: ${unguarded.finishReason} after ${unguarded.steps.length} steps, $${unguarded.cost.total}`,
    );

    const heeded = guarded.stream(question);
    for await (const event of heeded as AsyncIterable<AgentEvent>)
      if (event.type === 'plugin')
        console.log(
          `  ${event.plugin} ${event.kind} at step ${event.stepNumber}: ${JSON.stringify(event.data)}`,
        );
    const steered = await heeded.result;
    console.log(
      `with the guard, a model that listens: ${steered.finishReason} after ${steered.steps.length} steps, $${steered.cost.total}: ${shownAnswer(steered.text)}`,
    );

    const stubborn = await guarded.run(`${question} (stubborn)`);
    console.log(
      `with the guard, a model that does not: ${stubborn.finishReason} after ${stubborn.steps.length} steps, $${stubborn.cost.total} (${stubborn.stoppedBy?.plugin}: ${stubborn.stoppedBy?.reason})`,
    );
    if (stubborn.stoppedBy?.reason === loopGuardReasons.repeatedCall)
      console.log('the model repeated one call: ask the user, or change the tools it has.');
  },
  { description: 'A loop guard that steers, then ends a looping run.', script: looping },
);
