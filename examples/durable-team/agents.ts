// The agents every worker of the durable team defines: a coordinator whose `research` tool is a
// subagent. Inside a durable run the researcher runs as a DBOS child workflow: its model and tool
// calls are steps of its own, so a worker killed in the middle of it resumes it where it was.

import { appendFileSync } from 'node:fs';
import { createAgent, defineTool, type Gemini } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { type DurableAgentDefinition, durableContext } from '@gemloop/dbos';
import { type FakeScript, turn } from '@gemloop/testing';
import { z } from 'zod';

/** How long the warehouse check takes (long enough to kill a worker during it). */
export const WAREHOUSE_MS = 3000;

/** The agents of the fleet; `log` gets one line per tool execution (the demo counts them). */
export function teamAgents({
  gemini,
  model,
  log,
}: {
  gemini: Gemini;
  model: string;
  log: (line: string) => void;
}): Record<string, DurableAgentDefinition> {
  const lookupOrder = defineTool({
    name: 'lookup_order',
    description: 'Looks an order up by its number.',
    parameters: z.object({ order: z.string() }),
    execute: ({ order }, context) => {
      log(`lookup_order ${order} (${durableContext(context)?.idempotencyKey})`);
      return { order, item: 'kettle', status: 'delivered damaged' };
    },
  });
  const checkWarehouse = defineTool({
    name: 'check_warehouse',
    description: 'Asks the warehouse whether the returned item arrived (slow).',
    parameters: z.object({ order: z.string() }),
    execute: async ({ order }, context) => {
      log(`check_warehouse ${order} started (${durableContext(context)?.idempotencyKey})`);
      await new Promise((resolve) => setTimeout(resolve, WAREHOUSE_MS));
      log(`check_warehouse ${order} finished`);
      return { order, returned: true };
    },
  });
  const researcher = createAgent({
    gemini,
    model,
    instructions: 'You research one order: look it up, then ask the warehouse.',
    tools: [lookupOrder, checkWarehouse],
  });
  return {
    coordinator: {
      gemini,
      model,
      instructions: 'You coordinate order support. Delegate research to the research tool.',
      tools: [subagent(researcher, { name: 'research', description: 'Researches one order.' })],
    },
  };
}

/** Appends tool executions to a file shared by the workers (the demo counts them). */
export function fileLog(path: string | undefined): (line: string) => void {
  return (line) => {
    if (path !== undefined && path !== '') appendFileSync(path, `${line}\n`);
  };
}

/** Whether a request is the researcher's (by its instructions). */
export function isResearcher(body: unknown): boolean {
  const text = (body as { systemInstruction?: { parts?: { text?: string }[] } }).systemInstruction
    ?.parts?.[0]?.text;
  return text?.startsWith('You research') === true;
}

/** What the offline fake answers the coordinator and the researcher. */
export const TEAM_SCRIPT: FakeScript = (request, context) => {
  const answered = context.functionResponses[0]?.name;
  if (!isResearcher(request.body)) {
    return answered === 'research'
      ? turn.text('Order 7 (a kettle, delivered damaged) is back at the warehouse.')
      : turn.call('research', { task: 'Where is order 7, and is it back at the warehouse?' });
  }
  if (answered === undefined) return turn.call('lookup_order', { order: '7' });
  if (answered === 'lookup_order') return turn.call('check_warehouse', { order: '7' });
  return turn.text('Order 7: a kettle, delivered damaged, returned to the warehouse.');
};
