// The agents every worker of the durable team defines: a coordinator whose `research` tool is a
// subagent. Inside a durable run the researcher runs as a DBOS child workflow: its model and tool
// calls are steps of its own, so a worker killed in the middle of it resumes it where it was.
// And a triage agent that hands the run to the returns desk (a handoff): the worker runs the desk
// as its own copy, so the desk's calls are steps of the same run, and a worker killed while the
// desk waits on the warehouse is taken over by the other, which goes on with the desk.

import { appendFileSync } from 'node:fs';
import { createAgent, defineTool, type Gemini } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
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
  const returnsDesk = createAgent({
    gemini,
    model,
    name: 'returns',
    instructions: 'You handle returns: ask the warehouse whether the item is back.',
    tools: [checkWarehouse],
  });
  return {
    triage: {
      gemini,
      model,
      name: 'triage',
      instructions: 'You triage order support: look the order up, transfer returns to the desk.',
      tools: [lookupOrder, handoff(returnsDesk, { description: 'Returns and refunds.' })],
    },
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

/** The first words of a request's instructions (which agent sent it). */
export function instructionsOf(body: unknown): string {
  return (
    (body as { systemInstruction?: { parts?: { text?: string }[] } }).systemInstruction?.parts?.[0]
      ?.text ?? ''
  );
}

/** What the offline fake answers the coordinator and the researcher, the triage agent and the desk. */
export const TEAM_SCRIPT: FakeScript = (request, context) => {
  const answered = context.functionResponses[0]?.name;
  const instructions = instructionsOf(request.body);
  if (instructions.startsWith('You triage')) {
    return answered === 'lookup_order'
      ? turn.call('transfer_to_returns', {})
      : turn.call('lookup_order', { order: '7' });
  }
  if (instructions.startsWith('You handle returns')) {
    return answered === 'check_warehouse'
      ? turn.text('Order 7: the kettle is back at the warehouse; your refund is on its way.')
      : turn.call('check_warehouse', { order: '7' });
  }
  if (!isResearcher(request.body)) {
    return answered === 'research'
      ? turn.text('Order 7 (a kettle, delivered damaged) is back at the warehouse.')
      : turn.call('research', { task: 'Where is order 7, and is it back at the warehouse?' });
  }
  if (answered === undefined) return turn.call('lookup_order', { order: '7' });
  if (answered === 'lookup_order') return turn.call('check_warehouse', { order: '7' });
  return turn.text('Order 7: a kettle, delivered damaged, returned to the warehouse.');
};
