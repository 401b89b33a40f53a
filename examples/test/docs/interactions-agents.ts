// docs/interactions-api.md, "Managed agents, environments, webhooks and triggers" (typechecked only:
// it needs Google's API and Postgres).
import { createGemini } from '@gemloop/core';
import { createInteractions } from '@gemloop/core/interactions';

const gemini = createGemini();
const interactions = createInteractions(gemini);

import {
  createEnvironments,
  createManagedAgents,
  createTriggers,
  createWebhooks,
  verifyWebhook,
} from '@gemloop/core/interactions';

// An environment (a sandbox) and a managed agent that works in it.
const environments = createEnvironments(gemini);
const sandbox = await environments.create({
  network: 'disabled',
  sources: [{ type: 'repository', source: 'https://github.com/my-org/backend', target: '/repo' }],
});
const agents = createManagedAgents(gemini);
await agents.create({
  id: 'code-reviewer',
  base_agent: 'antigravity-preview-05-2026',
  system_instruction: 'Review /repo and list its bugs.',
});
await interactions.create({
  agent: 'code-reviewer',
  input: 'Review /repo',
  environment: sandbox.id,
});
// A variant of each: a get, then a create (the API has no fork route).
await agents.fork('code-reviewer', {
  id: 'strict-reviewer',
  system_instruction: 'Any TODO is a bug.',
});
await environments.fork(sandbox.id);

// A webhook: keep the secret, verify every delivery with it.
const hook = await createWebhooks(gemini).create({
  uri: 'https://example.com/gemini-webhook',
  subscribed_events: ['interaction.completed', 'interaction.requires_action', 'interaction.failed'],
});
const secret = hook.new_signing_secret ?? '';
async function onDelivery(request: Request): Promise<Response> {
  const { event } = await verifyWebhook({
    body: await request.text(),
    headers: request.headers,
    secret,
  });
  console.log(event.type, event.data?.id);
  return new Response(null, { status: 204 });
}

// A trigger: the agent every weekday at 07:00, Oslo time.
const triggers = createTriggers(gemini);
const daily = await triggers.create({
  interaction: { agent: 'code-reviewer', input: 'Review /repo', environment: sandbox.id },
  schedule: '0 7 * * 1-5',
  time_zone: 'Europe/Oslo',
});
const { trigger_executions } = await triggers.listExecutions(daily.id);
console.log(trigger_executions.length, onDelivery);

const databaseUrl = process.env['DATABASE_URL'] ?? '';
const rawBody = '';
const headers: Record<string, string> = {};

import { interactionsApi } from '@gemloop/core/interactions';
import { createDurableRuns } from '@gemloop/dbos';

const researcher = {
  gemini,
  model: 'gemini-3-pro-preview',
  api: interactionsApi({
    // An hour between polls: the webhook wakes the run; the poll is the fallback.
    background: { pollIntervalMs: 3_600_000, maxPollIntervalMs: 3_600_000, wakeOnWebhook: true },
  }),
};
// In the webhook endpoint of any process: verify, then wake the runs waiting on that interaction.
const runs = await createDurableRuns({ databaseUrl });
const { runIds } = await runs.handleWebhook({ body: rawBody, headers, secret });
console.log(researcher.model, runIds);
