// README: "Guardrails". An output guardrail that redacts e-mail addresses from what the caller sees,
// and a tool policy that asks a person above an amount; run against the fake's demo model.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { guardrails, type OutputGuardrail, type ToolGuardrail } from '@gemloop/core/guardrails';
import { z } from 'zod';

const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order.',
  parameters: z.object({ orderId: z.string(), amount: z.number() }),
  execute: ({ orderId, amount }) => ({ refunded: orderId, amount }),
});

const redactEmails: OutputGuardrail = {
  name: 'redact-emails',
  check: ({ text }) => {
    const redacted = text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]');
    return redacted === text ? { type: 'pass' } : { type: 'rewrite', text: redacted };
  },
};
const refundPolicy: ToolGuardrail = {
  name: 'refund-policy',
  tools: ['refund'],
  before: ({ args }) =>
    (args as { amount: number }).amount > 100 ? { type: 'ask' } : { type: 'allow' },
};
const agent = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview',
  tools: [refund],
  guardrails: guardrails({ output: [redactEmails], tools: [refundPolicy] }),
  // A call the policy asks about waits for a person here (the approval path): deny it in this demo.
  beforeToolCall: ({ askedBy }) =>
    askedBy === undefined ? undefined : { type: 'deny', message: 'Nobody approved it.' },
});

const result = await agent.run('Write to ann@example.com that order 7 is refunded.');
console.log(result.text.includes('@') ? 'not redacted' : 'redacted');
