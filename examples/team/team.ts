// Agents made of agents (issue 30): a triage agent that hands the conversation to one of two
// specialists (handoffs), and a research agent that sends three searchers out at once
// (subagents), their events nested in one stream by `path`. Offline, one fake answers every
// agent from its own script (routeByAgent matches the system instruction).
//
//   node scripts/run-example.mjs team [--record .gemloop/runs]
//
// With --record, both runs go to that folder with their subagents' runs (the children record
// into the top agent's recorder): `npx gemloop view --dir <folder>` shows each child's steps
// under the call that started it, and the handoff as a marked point.

import { type AgentEvent, createAgent, defineTool } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { createRunRecorder } from '@gemloop/core/recorder';
import { type FakeScriptFunction, routeByAgent, turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';

const TRIAGE =
  'You are the triage desk: hand billing questions to billing, technical ones to support.';
const BILLING = 'You are the billing specialist: invoices, refunds, plans.';
const SUPPORT = 'You are the technical support specialist.';
const RESEARCH =
  'You are a research lead: send one searcher per topic, then write a short summary.';
const SEARCHER = 'You are a searcher: answer one question in one sentence.';

const POPULATIONS: Record<string, string> = {
  Lyon: 'Lyon has about 520,000 people.',
  Lille: 'Lille has about 235,000 people.',
  Nantes: 'Nantes has about 320,000 people.',
};
const answerSearch: FakeScriptFunction = (_request, { lastUserText = '' }) =>
  turn.text(
    Object.entries(POPULATIONS).find(([city]) => lastUserText.includes(city))?.[1] ?? 'Not found.',
  );

const script = routeByAgent([
  { match: TRIAGE, script: [turn.call('transfer_to_billing')] },
  {
    match: BILLING,
    script: [
      turn.call('refund', { invoice: 'INV-7', amount: 12 }),
      turn.text('I refunded 12 EUR on invoice INV-7.'),
    ],
  },
  { match: SUPPORT, script: [turn.text('Try turning it off and on again.')] },
  {
    match: RESEARCH,
    script: [
      turn.calls([
        { name: 'search', args: { task: 'Population of Lyon?' } },
        { name: 'search', args: { task: 'Population of Lille?' } },
        { name: 'search', args: { task: 'Population of Nantes?' } },
      ]),
      turn.text('Lyon is the largest of the three, then Nantes, then Lille.'),
    ],
  },
  {
    match: SEARCHER,
    // The three searchers run at once, so their calls reach the fake in any order: each answers
    // the question it was given.
    script: [answerSearch, answerSearch, answerSearch],
  },
]);

/** One line per event worth showing, indented by the agent's depth in the tree. */
function show(event: AgentEvent, write: (line: string) => void): void {
  const who = event.path.length === 0 ? 'top' : event.path.join(' > ');
  const pad = '  '.repeat(event.path.length + 1);
  if (event.type === 'tool-call')
    write(
      `${pad}[${who}] calls ${shownText(event.toolName)}(${shownText(JSON.stringify(event.args))})`,
    );
  else if (event.type === 'handoff') write(`${pad}[${who}] handoff: ${event.from} -> ${event.to}`);
  else if (event.type === 'run-end')
    write(`${pad}[${who}] answered: ${shownAnswer(event.result.text)}`);
}

await run(
  async ({ gemini, model, style, flags }) => {
    // Only the top agents get the recorder: a subagent without one records into its parent's.
    const recorder =
      flags.record === undefined ? undefined : createRunRecorder({ dir: flags.record });
    const recording = recorder === undefined ? {} : { recorder };
    // Handoffs: the triage agent's run continues with billing's instructions, tools and model.
    const refund = defineTool({
      name: 'refund',
      description: 'Refunds an amount on an invoice.',
      parameters: z.object({ invoice: z.string(), amount: z.number() }),
      execute: ({ invoice, amount }) => ({ invoice, refunded: amount }),
    });
    const billing = createAgent({
      gemini,
      model,
      name: 'billing',
      instructions: BILLING,
      tools: [refund],
    });
    const support = createAgent({ gemini, model, name: 'support', instructions: SUPPORT });
    const triage = createAgent({
      gemini,
      model,
      name: 'triage',
      instructions: TRIAGE,
      ...recording,
      tools: [
        handoff(billing, { description: 'Billing questions: invoices, refunds, plans.' }),
        handoff(support, { description: 'Technical problems with the product.' }),
      ],
    });
    console.log(style.bold('Triage with two specialists (handoffs):'));
    const desk = triage.stream('I was charged twice for invoice INV-7, 12 EUR. Can I get it back?');
    for await (const event of desk) show(event, console.log);
    const deskResult = await desk.result;
    console.log(
      `  handed to: ${deskResult.handoffs?.join(', ')}; ${deskResult.steps.length} steps in one run`,
    );

    // Subagents: three searchers at once, each its own run (own history), in one event stream.
    const searcher = createAgent({ gemini, model, name: 'searcher', instructions: SEARCHER });
    const lead = createAgent({
      gemini,
      model,
      name: 'research',
      instructions: RESEARCH,
      ...recording,
      tools: [subagent(searcher, { name: 'search', description: 'Answers one factual question.' })],
    });
    console.log(style.bold('\nResearch with three parallel searchers (subagents):'));
    const research = lead.stream('Which is largest: Lyon, Lille or Nantes?');
    for await (const event of research) show(event, console.log);
    const result = await research.result;
    for (const { path, usage } of result.usageByAgent ?? []) {
      console.log(
        `  tokens of ${path.length === 0 ? 'research' : path.join(' > ')}: ${usage.totalTokenCount}`,
      );
    }
    // The step that sent the searchers: its own tokens, and with theirs (every field summed).
    const [first] = result.steps;
    if (first?.usageWithChildren !== undefined) {
      console.log(
        `  step 1: ${first.usage.totalTokenCount} tokens of its own, ${first.usageWithChildren.totalTokenCount} with its ${(first.usageByAgent?.length ?? 1) - 1} searchers`,
      );
    }
    if (recorder !== undefined) {
      await recorder.flush();
      console.log(`  recorded in ${recorder.dir}: npx gemloop view --dir ${recorder.dir}`);
    }
  },
  {
    description:
      'A triage agent with two specialists (handoffs) and a research agent with three parallel searchers (subagents).',
    script,
    flags: {
      record: {
        type: 'string',
        description: 'Record the runs (and their subagents) in this folder, for npx gemloop view.',
      },
    },
  },
);
