// The code of docs/writing-a-plugin.md: typechecked with the examples.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createChatSession } from '@gemloop/core/chat';
import { definePlugin } from '@gemloop/core/plugins';
import { z } from 'zod';

const gemini = createGemini();
const model = 'gemini-3-flash-preview';
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperature: 21 }),
});

// A state per run, a report on the stream, and the end of a run that goes on too long.
const callBudget = definePlugin({
  name: 'call-budget',
  startRun: () => ({ calls: 0 }),
  beforeToolCall: (call, run) => {
    run.state.calls++;
    if (run.state.calls > 20) run.finish(`more than 20 tool calls (last: ${call.toolName})`);
  },
  endRun: (run) => {
    run.emit('calls', { total: run.state.calls });
  },
});

// A result without running the tool, and a denial the model reads as the call's error.
const cities = definePlugin({
  name: 'cities',
  beforeToolCall: (call) => {
    if (call.toolName !== 'lookup') return undefined;
    if (call.args['city'] === 'Atlantis') return { type: 'deny', message: 'No such city.' };
    if (call.args['city'] === 'Oslo')
      return { type: 'result', result: { city: 'Oslo', temperature: 3 } };
    return undefined;
  },
});

// What the model gets from a tool, changed after the tool ran.
const units = definePlugin({
  name: 'units',
  afterToolCall: ({ result }) => ({ result: { ...(result as object), unit: 'celsius' } }),
});

// Around each model call: time it, or call `next` again.
const timing = definePlugin({
  name: 'timing',
  wrapModelCall: async (call, next, run) => {
    const started = Date.now();
    const step = await next(call);
    run.emit('model-ms', { step: call.stepNumber, ms: Date.now() - started });
    return step;
  },
});

// What one call sends, without touching the history; and "run again" after an answer.
const reminder = definePlugin({
  name: 'reminder',
  beforeModelCall: (call) => ({
    contents: [...call.contents, { role: 'user', parts: [{ text: 'Answer in one sentence.' }] }],
  }),
  afterAnswer: ({ text }) =>
    text.length > 500
      ? { type: 'run-again', contents: [{ role: 'user', parts: [{ text: 'Shorter, please.' }] }] }
      : undefined,
});

// A guardrail of your own: a person approves each payment; too large a one stops the run.
const payments = definePlugin({
  name: 'payments',
  recorded: ['beforeToolCall'],
  beforeToolCall: (call, run) => {
    if (call.toolName !== 'pay') return undefined;
    if (Number(call.args['amount']) > 1000)
      run.trip({ guardrailName: 'pay-limit', phase: 'tool-input', reason: 'over 1000' });
    return { type: 'ask' };
  },
});

const agent = createAgent({
  gemini,
  model,
  tools: [lookup],
  plugins: [callBudget, cities, timing, reminder, payments],
});

// A run's own plugins come after the agent's; a chat session's run on every send.
await agent.run('Weather in Oslo?', { plugins: [units] });
const chat = createChatSession({ agent, plugins: [units] });
await chat.send('And in Rome?');

// A hook whose result differs when it is asked again (a model call, a clock, a random pick) is
// listed in `recorded`: a durable run (@gemloop/dbos) stores its result as a step.
const sampled = definePlugin({
  name: 'sampled',
  recorded: ['beforeModelCall'],
  beforeModelCall: (call) => (Math.random() < 0.1 ? { contents: call.contents } : undefined),
});
void sampled;

// ...

// Before every other plugin of the run, wherever it is given: its check sees the input first.
const redact = definePlugin({
  name: 'redact',
  order: 'first',
  checkInput: ({ contents }) => ({
    contents: contents.map((content) => ({
      ...content,
      parts: content.parts.map((part) =>
        part.text === undefined ? part : { ...part, text: part.text.replace(/\d{16}/g, '[card]') },
      ),
    })),
  }),
});
await agent.run('Pay with 4111111111111111.', { plugins: [redact] });

// ...

// Its own typed error reaches the caller as it is; anything else it throws is a PluginError.
class OverQuotaError extends Error {}
const dailyQuota = definePlugin({
  name: 'daily-quota',
  ownErrors: (error) => error instanceof OverQuotaError,
  beforeModelCall: () => {
    if (new Date().getUTCHours() === 3) throw new OverQuotaError('Quota resets at 04:00 UTC.');
  },
});
try {
  await agent.run('Hello.', { plugins: [dailyQuota] });
} catch (error) {
  if (error instanceof OverQuotaError) console.log(error.message);
}
