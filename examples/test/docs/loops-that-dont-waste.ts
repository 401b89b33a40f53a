// Guide "Loops that don't waste" (typechecked; the examples loop-guard/ and tool-result-cache/
// run the same plugins against the fake).
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { loopGuard, loopGuardReasons } from '@gemloop/core/loop-guard';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import { z } from 'zod';

const gemini = createGemini();
const model = 'gemini-3-flash-preview';
const searchOrders = defineTool({
  name: 'search_orders',
  description: 'Finds orders by number.',
  parameters: z.object({ number: z.string() }),
  execute: ({ number }) => ({ number, status: 'shipped' }),
});
const jobStatus = defineTool({
  name: 'job_status',
  description: 'The state of a job.',
  parameters: z.object({ job: z.string() }),
  execute: () => ({ state: 'running' }),
});
const documents = new Map<string, string>();
const readDoc = defineTool({
  name: 'read_doc',
  description: 'Reads a document.',
  parameters: z.object({ id: z.string() }),
  execute: ({ id }) => ({ id, text: documents.get(id) ?? '' }),
});
const editDoc = defineTool({
  name: 'edit_doc',
  description: 'Replaces a document.',
  parameters: z.object({ id: z.string(), text: z.string() }),
  execute: ({ id, text }) => {
    documents.set(id, text);
    return { ok: true };
  },
});

export async function guardedRun(): Promise<void> {
  const agent = createAgent({
    gemini,
    model: 'gemini-3-flash-preview',
    tools: [searchOrders, jobStatus],
    plugins: [loopGuard({ polls: ['job_status'] })],
  });
  const result = await agent.run('Where is order 1042?');
  if (result.stoppedBy?.reason === loopGuardReasons.repeatedCall) console.warn('the model looped');
}

export function cachedAgent() {
  const cache = toolResultCache({
    scope: 'session',
    tools: {
      read_doc: { effect: 'read', cacheKey: ({ id }) => `doc/${id}`, ttlMs: 10 * 60_000 },
      edit_doc: { effect: 'write', invalidates: { prefixes: ({ id }) => [`read_doc:doc/${id}`] } },
    },
  });
  const agent = createAgent({ gemini, model, tools: [readDoc, editDoc], plugins: [cache] });
  return agent;
}
