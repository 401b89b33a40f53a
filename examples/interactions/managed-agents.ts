// Managed agents, their environments, webhooks and triggers of Google's Interactions API: an
// environment with a repository mounted, a managed agent on Antigravity run in it, a fork of both;
// a webhook whose signed deliveries a local endpoint verifies (a forged one refused), woken by a
// background run of a Deep Research agent instead of polling it; and a trigger that runs the agent
// on a schedule, its executions listed. Offline, the fake serves every route and delivers the
// webhook itself; online, the webhook part needs a public https URL (`--webhook-url`, your
// endpoint running `verifyWebhook`) and is skipped without one.
//
//   node scripts/run-example.mjs interactions-agents

import { createServer } from 'node:http';
import { WebhookSignatureError } from '@gemloop/core/errors';
import {
  createEnvironments,
  createInteractions,
  createManagedAgents,
  createTriggers,
  createWebhooks,
  signWebhook,
  verifyWebhook,
} from '@gemloop/core/interactions';
import { turn } from '@gemloop/testing';
import { run } from '../lib/run.ts';

await run(
  async ({ gemini, offline, fake, flags }) => {
    const environments = createEnvironments(gemini);
    const agents = createManagedAgents(gemini);
    const interactions = createInteractions(gemini);
    const suffix = offline ? '' : `-${Date.now().toString(36)}`;

    // An environment with a repository mounted and no network, and an agent that works in it.
    const sandbox = await environments.create({
      network: 'disabled',
      sources: [
        { type: 'repository', source: 'https://github.com/octocat/Hello-World', target: '/repo' },
      ],
    });
    console.log(`environment ${sandbox.id}: ${sandbox.status}`);
    const reviewer = await agents.create({
      id: `code-reviewer${suffix}`,
      base_agent: 'antigravity-preview-05-2026',
      system_instruction: 'Review the repository in /repo and list its bugs.',
    });
    const review = await interactions.create({
      agent: reviewer.id,
      input: 'Review /repo',
      environment: sandbox.id,
    });
    console.log(`${reviewer.id}: ${review.status}`);
    const strict = await agents.fork(reviewer.id, {
      id: `strict-reviewer${suffix}`,
      system_instruction: 'Review /repo; any TODO is a bug.',
    });
    const copy = await environments.fork(sandbox.id);
    console.log(`forked ${strict.id} (base ${strict.base_agent}) and ${copy.id}`);
    try {
      await interactions.create({ agent: reviewer.id, input: 'later', background: true });
    } catch (error) {
      console.log(`background on an Antigravity agent: ${(error as Error).message.split(':')[0]}`);
    }

    // A webhook: the endpoint verifies each delivery before acting on it.
    const webhookUrl = flags['webhook-url'];
    if (offline || webhookUrl !== undefined) {
      const webhooks = createWebhooks(gemini);
      let secret = '';
      const endpoint = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          verifyWebhook({
            body: Buffer.concat(chunks),
            headers: request.headers as Record<string, string>,
            secret,
          }).then(
            ({ event }) => {
              console.log(`webhook: ${event.type} ${event.data?.id ?? ''} (verified)`);
              response.writeHead(204).end();
            },
            (error: unknown) => {
              const reason = WebhookSignatureError.isInstance(error) ? error.reason : 'error';
              console.log(`webhook refused: ${reason}`);
              response.writeHead(401).end();
            },
          );
        });
      });
      await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
      const { port } = endpoint.address() as { port: number };
      try {
        const hook = await webhooks.create({
          uri: webhookUrl ?? `http://127.0.0.1:${port}/gemini-webhook`,
          subscribed_events: ['interaction.completed', 'interaction.failed'],
        });
        secret = hook.new_signing_secret ?? '';
        console.log(`webhook ${hook.id} registered (secret shown once, kept)`);
        const research = await interactions.create({
          agent: 'deep-research-pro-preview-12-2025',
          input: 'tide tables of the Oslofjord',
          background: true,
        });
        console.log(`research ${research.status}: waiting for its webhook, not polling`);
        // Offline the fake finishes the run and delivers, signed; online Google does.
        await fake?.finishInteraction(research.id);
        // A delivery nobody signed with the secret is refused.
        const body = JSON.stringify({ type: 'interaction.completed', data: { id: research.id } });
        const forged = await signWebhook({
          id: 'msg_forged',
          timestamp: Math.floor(Date.now() / 1000),
          body,
          secret: `whsec_${btoa('not the secret of this webhook!!')}`,
        });
        await fetch(`http://127.0.0.1:${port}/gemini-webhook`, {
          method: 'POST',
          headers: forged,
          body,
        });
        const { secret: rotated } = await webhooks.rotateSigningSecret(hook.id);
        secret = rotated;
        console.log('secret rotated: the old one signs for 24 more hours');
        await webhooks.delete(hook.id);
      } finally {
        endpoint.close();
      }
    } else {
      console.log('webhook: skipped (give --webhook-url, a public https endpoint of yours)');
    }

    // A trigger: the reviewer every weekday at 07:00 Oslo time; run once now.
    const triggers = createTriggers(gemini);
    const daily = await triggers.create({
      interaction: { agent: reviewer.id, input: 'Review /repo', environment: sandbox.id },
      schedule: '0 7 * * 1-5',
      time_zone: 'Europe/Oslo',
    });
    const execution = await triggers.run(daily.id);
    const { trigger_executions } = await triggers.listExecutions(daily.id);
    console.log(
      `trigger ${daily.id} (${daily.schedule}): ${trigger_executions.length} execution, ${execution.status}`,
    );

    await triggers.delete(daily.id);
    for (const id of [strict.id, reviewer.id]) await agents.delete(id);
    for (const id of [copy.id, sandbox.id]) await environments.delete(id);
    console.log('cleaned up');
  },
  {
    script: (_request, { lastUserText }) => turn.text(`(scripted) done: ${lastUserText ?? ''}`),
    fakeOptions: { interactions: { holdBackground: () => true } },
    flags: {
      'webhook-url': {
        type: 'string',
        description: 'A public https URL of yours that verifies deliveries (online only).',
      },
    },
  },
);
