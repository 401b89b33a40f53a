import { createAgent, createGemini, defineTool, toolResult } from '@gemloop/core';
import { createChatSession } from '@gemloop/core/chat';
import {
  createMemoryArtifactStore,
  readToolOutputTool,
  toolOutput,
} from '@gemloop/core/compaction';
import { subagent } from '@gemloop/core/composition';
import type { GenerateContentRequest } from '@gemloop/core/wire';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPiiVault, piiMask } from './pii-mask-plugin.ts';

// attack64b: the PII mask example attacked as a hostile model, a careless tool and a user would
// (issue 53). Each case broke on the example before: a value reached the model, a tool acted on
// a placeholder, or a token made in one place restored to another person's address.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

/** `look` returns what it is given (one after another); `send` records where it wrote. */
function tools(outputs: unknown[], sent: string[]) {
  return [
    defineTool({
      name: 'look',
      description: 'Looks something up.',
      parameters: z.object({}),
      execute: () => {
        const output = outputs.shift();
        if (output instanceof Error) throw output;
        return output;
      },
    }),
    defineTool({
      name: 'send',
      description: 'Sends an e-mail.',
      parameters: z.object({ to: z.string() }),
      execute: ({ to }) => {
        sent.push(to);
        return { sent: true };
      },
    }),
  ];
}

/** The bodies the model was sent. */
function bodies(fake: FakeGemini): GenerateContentRequest[] {
  return fake.requests.map((request) => request.body as GenerateContentRequest);
}

/** What each request after the first brought the model: the last turn (the calls' responses). */
function responses(fake: FakeGemini): string[] {
  return bodies(fake)
    .slice(1)
    .map((body) => JSON.stringify(body.contents.at(-1)));
}

async function runWith(outputs: unknown[], script: Parameters<typeof serve>[0]) {
  const { fake, gemini } = await serve(script);
  const sent: string[] = [];
  const agent = createAgent({
    gemini,
    model: 'gemini-3-flash-preview',
    tools: tools(outputs, sent),
    plugins: [piiMask()],
  });
  const result = await agent.run('Go.');
  return { fake, sent, result, seen: JSON.stringify(fake.requests.map((r) => r.body)) };
}

const LOOK_THEN_ANSWER = [turn.call('look', {}), turn.text('Done.')];

describe('pii-mask attacked (attack64b)', () => {
  it('masks addresses and numbers in any script, look-alike or behind a zero-width space', async () => {
    const { seen } = await runWith(
      [
        {
          idn: 'dána@exämple.com',
          fullwidthAt: 'dana＠example.com',
          zeroWidth: 'dana\u200b@example.com',
          fullwidthDigits: '＋１ ４１５ ５５５ ０１３４',
          dotted: '415.555.0134',
        },
      ],
      LOOK_THEN_ANSWER,
    );
    for (const value of ['exämple', 'example.com', '４１５', '555.0134'])
      expect(seen).not.toContain(value);
  });

  it('masks object keys, values deeper than 64 levels, and a thrown error’s message', async () => {
    let deep: unknown = { email: 'deep@example.com' };
    for (let level = 0; level < 70; level++) deep = { inner: deep };
    const { seen } = await runWith(
      [
        { byEmail: { 'key@example.com': { vip: true } }, deep },
        new Error('no account for err@example.com'),
      ],
      [turn.call('look', {}), turn.call('look', {}), turn.text('Done.')],
    );
    expect(seen).not.toContain('key@example.com');
    expect(seen).not.toContain('deep@example.com');
    expect(seen).not.toContain('err@example.com');
    expect(seen).toContain('no account for [EMAIL_');
  });

  it('leaves dates alone and reads a Date as JSON does (it was masked as a phone, or sent as {})', async () => {
    const { fake } = await runWith(
      [
        {
          email: 'dana@example.com',
          due: '2026-12-02',
          at: '2026-12-02T07:08:54Z',
          when: new Date(0),
        },
      ],
      LOOK_THEN_ANSWER,
    );
    const [response] = responses(fake);
    expect(response).toContain('"due":"2026-12-02"');
    expect(response).toContain('"at":"2026-12-02T07:08:54Z"');
    expect(response).toContain('"when":"1970-01-01T00:00:00.000Z"');
    expect(response).toContain('"email":"[EMAIL_1]"');
  });

  it("keeps a toolResult()'s media as media while masking its response", async () => {
    const image = { mimeType: 'image/png', data: 'iVBORw0KGgo=' };
    const { fake } = await runWith(
      [toolResult({ response: { email: 'dana@example.com' }, parts: [image] })],
      LOOK_THEN_ANSWER,
    );
    const last = bodies(fake)[1]?.contents.at(-1);
    const part = typeof last === 'object' ? last.parts?.[0] : undefined;
    expect(part?.functionResponse?.response).toEqual({ email: '[EMAIL_1]' });
    expect(part?.functionResponse?.parts).toEqual([{ inlineData: image }]);
  });

  it('refuses a token the model invented instead of running the tool with the placeholder', async () => {
    const { sent, fake } = await runWith(
      [{ email: 'dana@example.com' }],
      [turn.call('look', {}), turn.call('send', { to: '[EMAIL_9]' }), turn.text('Done.')],
    );
    expect(sent).toEqual([]);
    expect(responses(fake)[1]).toContain('[EMAIL_9] is not a value masked in this conversation');
  });

  it('restores a token the model mangled ([email 1], fullwidth brackets)', async () => {
    const { sent } = await runWith(
      [{ email: 'dana@example.com' }],
      [
        turn.call('look', {}),
        turn.call('send', { to: '[email 1]' }),
        turn.call('send', { to: '［EMAIL_01］' }),
        turn.text('Done.'),
      ],
    );
    expect(sent).toEqual(['dana@example.com', 'dana@example.com']);
  });

  it('never lets token-shaped text in a result read as a token of the run', async () => {
    const { sent, fake } = await runWith(
      [{ note: 'reply to [EMAIL_1] later', email: 'bob@example.com' }],
      [turn.call('look', {}), turn.call('send', { to: '[EMAIL_1]' }), turn.text('Done.')],
    );
    expect(responses(fake)[0]).toContain('"email":"[EMAIL_2]"');
    // The text comes back to a tool as it was, never as Bob's address.
    expect(sent).toEqual(['[EMAIL_1]']);
  });

  it("never gives an earlier chat turn's token to another person's address (no vault given)", async () => {
    const { fake, gemini } = await serve([
      turn.call('look', {}),
      turn.text('Dana is [EMAIL_1].'),
      turn.call('look', {}),
      turn.call('send', { to: '[EMAIL_1]' }),
      turn.text('Sent.'),
    ]);
    const sent: string[] = [];
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: tools([{ email: 'dana@example.com' }, { email: 'bob@example.com' }], sent),
      plugins: [piiMask()],
    });
    const chat = createChatSession({ agent });
    await chat.send('Find Dana.');
    await chat.send('Find Bob, then mail Dana.');
    // Bob got a token of his own; the old token does not restore to him (it was Bob's mail).
    expect(responses(fake)[2]).toContain('"email":"[EMAIL_2]"');
    expect(sent).toEqual([]);
    expect(responses(fake)[3]).toContain('is not a value masked in this conversation');
  });

  it("never reads a subagent's token as the parent's own (no vault given)", async () => {
    const child = await serve([turn.call('look', {}), turn.text('Dana is [EMAIL_1].')]);
    const parent = await serve([
      turn.call('look', {}),
      turn.call('crm', { task: 'Find Dana.' }),
      turn.text('Done.'),
    ]);
    const sent: string[] = [];
    const researcher = createAgent({
      gemini: child.gemini,
      model: 'gemini-3-flash-preview',
      tools: tools([{ email: 'dana@example.com' }], sent),
    });
    const agent = createAgent({
      gemini: parent.gemini,
      model: 'gemini-3-flash-preview',
      tools: [
        ...tools([{ email: 'bob@example.com' }], sent),
        subagent(researcher, { name: 'crm', description: 'Works in the CRM.' }),
      ],
      plugins: [piiMask()],
    });
    await agent.run('Go.');
    // The parent's [EMAIL_1] is Bob; the child's answer reaches the parent's model renamed.
    const crm = responses(parent.fake)[1] ?? '';
    expect(crm).toContain('[EMAIL_2]');
    expect(crm).not.toContain('[EMAIL_1]');
  });

  it("restores a subagent's token in the parent when the parent's plugin is given a vault", async () => {
    const child = await serve([turn.call('look', {}), turn.text('Dana is [EMAIL_1].')]);
    const parent = await serve([
      turn.call('crm', { task: 'Find Dana.' }),
      turn.call('send', { to: '[EMAIL_1]' }),
      turn.text('Done.'),
    ]);
    const sent: string[] = [];
    const researcher = createAgent({
      gemini: child.gemini,
      model: 'gemini-3-flash-preview',
      tools: tools([{ email: 'dana@example.com' }], sent),
    });
    const agent = createAgent({
      gemini: parent.gemini,
      model: 'gemini-3-flash-preview',
      tools: [
        ...tools([], sent),
        subagent(researcher, { name: 'crm', description: 'Works in the CRM.' }),
      ],
    });
    await agent.run('Go.', { plugins: [piiMask({ vault: createPiiVault() })] });
    expect(responses(parent.fake)[0]).toContain('Dana is [EMAIL_1].');
    expect(sent).toEqual(['dana@example.com']);
    expect(JSON.stringify(bodies(child.fake))).not.toContain('dana@example.com');
  });

  it('masks a long text with no address in linear time (it was quadratic: minutes for 1 MB)', async () => {
    const page = `${'a'.repeat(300_000)} write to dana@example.com`;
    const { seen } = await runWith([{ page }], LOOK_THEN_ANSWER);
    expect(seen).not.toContain('dana@example.com');
  }, 20_000);

  it.each([
    // `{"page":"` is 9 characters: the cut at 4,000 falls `into` characters into the value.
    ['an address', 'dana.smith@example.com', 12, ['dana.smith', 'example.com', 'xample']],
    ['a number', '+1 415 555 0134', 8, ['415', '555', '0134']],
  ])(
    'masks %s a toolOutput cut splits, in the cut result and in the slice read after it',
    async (_, value, into, parts) => {
      const page = `${'x'.repeat(3990 - into)} ${value} ${'y'.repeat(3000)}`;
      const artifacts = createMemoryArtifactStore();
      const { fake, gemini } = await serve((_request, { callIndex, functionResponses }) => {
        if (callIndex === 0) return turn.call('look', {});
        const marker = JSON.stringify(functionResponses[0]?.response ?? {});
        const id = /id \\"([^\\"]+)\\"/.exec(marker)?.[1];
        if (callIndex === 1)
          return turn.call('read_tool_output', { id, offset: 4000, length: 100 });
        return turn.text('Done.');
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        tools: [...tools([{ page }], []), readToolOutputTool(artifacts)],
        toolOutput: toolOutput({ maxTokens: 1000, artifacts }),
        plugins: [piiMask()],
      });
      await agent.run('Go.');
      const [cutResult, slice] = responses(fake);
      expect(cutResult).toContain('truncated');
      expect(slice).toContain('"offset":4000');
      for (const part of parts) expect(`${cutResult}${slice}`).not.toContain(part);
    },
  );

  it('restores values only into the tools named in restoreInto: a tool that hands a value back changed reads no address', async () => {
    const { fake, gemini } = await serve([
      turn.call('look', {}),
      turn.call('spell', { text: '[EMAIL_1]' }),
      turn.call('send', { to: '[EMAIL_1]' }),
      turn.text('Done.'),
    ]);
    const sent: string[] = [];
    const spell = defineTool({
      name: 'spell',
      description: 'Spells a text out.',
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => ({ spelled: [...text].join(' ') }),
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [...tools([{ email: 'dana@example.com' }], sent), spell],
      plugins: [piiMask({ restoreInto: ['send'] })],
    });
    await agent.run('Go.');
    expect(responses(fake)[1]).toContain('[ E M A I L _ 1 ]');
    expect(sent).toEqual(['dana@example.com']);
  });
});
