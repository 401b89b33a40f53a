// Structured output: give the agent a zod schema as `output`, and the final answer comes back as
// JSON that Gemini was constrained to (responseJsonSchema), validated and typed as result.output.
//
//   node scripts/run-example.mjs structured-output

import { createAgent } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

const Invoice = z.object({
  vendor: z.string(),
  invoiceNumber: z.string(),
  issuedOn: z.string().describe('ISO 8601 date, YYYY-MM-DD'),
  currency: z.string().length(3).describe('ISO 4217 code, e.g. EUR'),
  lineItems: z.array(
    z.object({
      description: z.string(),
      quantity: z.number().int().positive(),
      unitPrice: z.number().nonnegative(),
    }),
  ),
  total: z.number(),
});

const EMAIL = `Hi Sam,

Please find our invoice INV-2024-0117 dated 17 May 2024 below.
  - 3 x Espresso beans 1kg at 24.50 EUR
  - 1 x Descaling kit at 12.00 EUR
Total due: 85.50 EUR.

Thanks, Brewline Coffee Supplies`;

// Offline, the fake answers with this scripted JSON (a real model extracts it from the email).
// The agent still checks it against the schema, exactly as it checks Gemini's answer.
const SCRIPT = [
  turn.json({
    vendor: 'Brewline Coffee Supplies',
    invoiceNumber: 'INV-2024-0117',
    issuedOn: '2024-05-17',
    currency: 'EUR',
    lineItems: [
      { description: 'Espresso beans 1kg', quantity: 3, unitPrice: 24.5 },
      { description: 'Descaling kit', quantity: 1, unitPrice: 12 },
    ],
    total: 85.5,
  }),
];

await run(
  async ({ gemini, model }) => {
    const agent = createAgent({
      gemini,
      model,
      instructions: 'Extract the invoice from the email. Use only what the email says.',
      output: Invoice,
    });

    const { output } = await agent.run(EMAIL);
    if (output === undefined) throw new Error('The run ended without a structured answer.');

    // `output` is typed from the schema: z.infer<typeof Invoice>.
    console.log(shownAnswer(JSON.stringify(output, null, 2)));
    const sum = output.lineItems.reduce((total, item) => total + item.quantity * item.unitPrice, 0);
    console.log(
      `\n${output.lineItems.length} line items adding up to ${sum.toFixed(2)} ${output.currency}: ${
        Math.abs(sum - output.total) < 0.005 ? 'matches' : 'does NOT match'
      } the stated total of ${output.total.toFixed(2)}.`,
    );
  },
  { script: SCRIPT },
);
