// A tool policy in one place: an allow-list of tools, payments above an amount sent to a person
// (the existing approval path, `beforeToolCall`), a hard stop far above it, and tool errors
// rewritten before the model sees them (the default already strips hosts, paths and stacks).
//
//   node scripts/run-example.mjs guardrails-tools

import { createAgent, defineTool } from '@gemloop/core';
import type { ToolGuardrail } from '@gemloop/core/guardrails';
import { guardrails } from '@gemloop/core/guardrails';
import { turn } from '@gemloop/testing';
import { demoModel } from '@gemloop/testing/dev-model';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownText } from '../lib/trace-printer.ts';

const ALLOWED = new Set(['pay_invoice', 'lookup_invoice']);
const ASK_ABOVE = 500;

const policy: ToolGuardrail = {
  name: 'payments-policy',
  before: ({ toolName, args }) => {
    if (!ALLOWED.has(toolName))
      return { type: 'deny', message: `${toolName} is not allowed here. Do not call it again.` };
    const amount = (args as { amount?: number }).amount ?? 0;
    if (amount > 10_000)
      return { type: 'throw', reason: `a payment of ${amount} is never automatic` };
    if (amount > ASK_ABOVE) return { type: 'ask' };
    return { type: 'allow' };
  },
};

// Offline, the fake makes the calls a real model would, then sums up what came back.
const SCRIPT = [
  turn.calls([
    { name: 'pay_invoice', args: { invoice: 'A-1', amount: 120 } },
    { name: 'pay_invoice', args: { invoice: 'B-2', amount: 2400 } },
    { name: 'delete_vendor', args: { vendor: 'Brewline' } },
    { name: 'lookup_invoice', args: { invoice: 'C-3' } },
  ]),
  demoModel(),
];

await run(
  async ({ gemini, model }) => {
    const paid: string[] = [];
    const payInvoice = defineTool({
      name: 'pay_invoice',
      description: 'Pays an invoice.',
      parameters: z.object({ invoice: z.string(), amount: z.number() }),
      execute: ({ invoice, amount }) => {
        paid.push(`${invoice} (${amount})`);
        return { paid: invoice, amount };
      },
    });
    const deleteVendor = defineTool({
      name: 'delete_vendor',
      description: 'Deletes a vendor.',
      parameters: z.object({ vendor: z.string() }),
      execute: () => ({ deleted: true }),
    });
    const lookupInvoice = defineTool({
      name: 'lookup_invoice',
      description: 'Looks an invoice up.',
      parameters: z.object({ invoice: z.string() }),
      execute: ({ invoice }) => {
        throw new Error(
          `ledger at 10.2.3.4:5432 refused the lookup of ${invoice} (/srv/ledger/db.sock)`,
        );
      },
    });
    const agent = createAgent({
      gemini,
      model,
      tools: [payInvoice, deleteVendor, lookupInvoice],
      guardrails: guardrails({ tools: [policy] }),
      // What `ask` goes to: a person in a real app; here the finance lead approves B-2 only.
      // Calls no guardrail asked about (`askedBy` unset) go through as the policy allowed them.
      beforeToolCall: ({ toolName, args, askedBy }) => {
        if (askedBy === undefined) return undefined;
        const { invoice } = args as { invoice: string };
        console.log(
          `${askedBy} asked a person about ${shownText(toolName)} ${shownText(String(invoice))}`,
        );
        return invoice === 'B-2' ? { type: 'approve' } : { type: 'deny', message: 'Not approved.' };
      },
    });
    const result = await agent.run('Pay invoices A-1 and B-2, remove the vendor, check C-3.');
    for (const call of result.steps[0]?.toolCalls ?? []) {
      console.log(
        `${call.toolName}: ${call.outcome}${call.error === undefined ? '' : ` (${call.error})`}`,
      );
    }
    console.log(`paid: ${paid.join(', ')}`);
  },
  { script: SCRIPT },
);
