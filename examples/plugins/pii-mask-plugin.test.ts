import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createChatSession } from '@gemloop/core/chat';
import { subagent } from '@gemloop/core/composition';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPiiVault, piiMask } from './pii-mask-plugin.ts';

// The third-party plugin of issue 53 on the fake Gemini, with public imports only: the model
// never sees an address or a number, the tools always get the real ones — in a run, a stream, a
// chat session's next turn and a subagent.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

function tools(sent: string[]) {
  const findCustomer = defineTool({
    name: 'find_customer',
    description: 'Finds a customer.',
    parameters: z.object({ name: z.string() }),
    execute: ({ name }) => ({
      name,
      contact: { email: 'dana@example.com', phone: '+1 415 555 0134' },
    }),
  });
  const sendEmail = defineTool({
    name: 'send_email',
    description: 'Sends an e-mail.',
    parameters: z.object({ to: z.string() }),
    execute: ({ to }) => {
      sent.push(to);
      return { sent: true };
    },
  });
  return [findCustomer, sendEmail];
}

const SCRIPT = [
  turn.call('find_customer', { name: 'Dana' }),
  turn.call('send_email', { to: '[EMAIL_1]' }),
  turn.text('Sent to [EMAIL_1].'),
];

/** Everything the model was sent, as one string. */
function seenByModel(fake: FakeGemini): string {
  return JSON.stringify(fake.requests.map((request) => request.body));
}

describe('the pii-mask plugin (written outside gemloop)', () => {
  it.each(['run', 'stream'] as const)('masks results and restores arguments (%s)', async (mode) => {
    const { fake, gemini } = await serve(SCRIPT);
    const sent: string[] = [];
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: tools(sent),
      plugins: [piiMask()],
    });
    const kinds: string[] = [];
    if (mode === 'run') await agent.run('Mail Dana.');
    else {
      const stream = agent.stream('Mail Dana.');
      for await (const event of stream) if (event.type === 'plugin') kinds.push(event.kind);
      await stream.result;
      expect(kinds).toEqual(['masked', 'restored']);
    }
    expect(sent).toEqual(['dana@example.com']);
    expect(seenByModel(fake)).not.toContain('dana@example.com');
    expect(seenByModel(fake)).not.toContain('415 555');
    expect(seenByModel(fake)).toContain('[PHONE_2]');
  });

  it("restores a token of an earlier turn in a chat session's next send, with one vault per session", async () => {
    const { fake, gemini } = await serve([
      turn.call('find_customer', { name: 'Dana' }),
      turn.text('Found Dana: [EMAIL_1].'),
      turn.call('send_email', { to: '[EMAIL_1]' }),
      turn.text('Sent.'),
    ]);
    const sent: string[] = [];
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: tools(sent) });
    const chat = createChatSession({ agent, plugins: [piiMask({ vault: createPiiVault() })] });
    await chat.send('Find Dana.');
    await chat.send('Now mail her.');
    expect(sent).toEqual(['dana@example.com']);
    expect(seenByModel(fake)).not.toContain('dana@example.com');
  });

  it("masks what a subagent's tools return, given to the parent agent only", async () => {
    const child = await serve(SCRIPT);
    const sent: string[] = [];
    const researcher = createAgent({
      gemini: child.gemini,
      model: 'gemini-3-flash-preview',
      tools: tools(sent),
    });
    const parent = await serve([turn.call('crm', { task: 'Mail Dana.' }), turn.text('Done.')]);
    const agent = createAgent({
      gemini: parent.gemini,
      model: 'gemini-3-flash-preview',
      tools: [subagent(researcher, { name: 'crm', description: 'Works in the CRM.' })],
      plugins: [piiMask()],
    });
    await agent.run('Mail Dana.');
    expect(sent).toEqual(['dana@example.com']);
    expect(seenByModel(child.fake)).not.toContain('dana@example.com');
  });
});
