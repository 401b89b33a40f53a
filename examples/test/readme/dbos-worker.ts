// packages/dbos README: a durable worker (typechecked only: it needs Postgres).
import { createGemini, defineTool } from '@gemloop/core';
import { durableContext, startDurableWorker } from '@gemloop/dbos';
import { z } from 'zod';

const refund = defineTool({
  name: 'issue_refund',
  description: 'Refunds an order.',
  parameters: z.object({ order: z.string(), amount: z.number() }),
  // A call cut by a crash runs again on the worker that takes the run over: the key is the
  // same every time, so the payment service refunds once.
  execute: (args, context) =>
    payments.refund(args, { idempotencyKey: durableContext(context)?.idempotencyKey }),
});

const worker = await startDurableWorker({
  databaseUrl: process.env.DATABASE_URL!, // the DBOS system database; created when missing
  agents: {
    support: {
      gemini: createGemini(),
      model: 'gemini-3-flash-preview',
      tools: [lookupOrder, refund],
      needsApproval: ['issue_refund'], // or (call) => call.args.amount > 100
    },
  },
  workerConcurrency: 8, // runs at once in this process
  modelRateLimits: { 'gemini-3-flash-preview': { requests: 900, periodMs: 60_000 } }, // fleet-wide
});

await worker.shutdown();

// Stand-ins for the README's own services.
declare const payments: {
  refund(
    args: { order: string; amount: number },
    options: { idempotencyKey: string | undefined },
  ): Promise<{ refunded: boolean }>;
};
declare const lookupOrder: typeof refund;
