import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { costAbove } from '../agent/cost-above.ts';
import { createAgent } from '../agent/create-agent.ts';
import type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { type Cost, unknownCost } from '../models/cost.ts';
import type { CostUsage, Pricer } from '../models/pricer.ts';
import type { RunObserver } from '../telemetry/run-observer.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// Pricing is a plugin every agent has by default (`agent.plugins` lists it); the `prices` option
// is its sugar: a table or lookup over gemloop's, a pricer of one's own (a gateway's price list),
// or `false`. The loop prices every model call with the pricer the agent's config carries.

const fakes: FakeGemini[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A stream that stops after three chunks that reported usage, and hangs: billed, no step yet. */
async function serveCutStream(): Promise<string> {
  const server = createServer((incoming, out) => {
    incoming.resume();
    incoming.on('end', () => {
      out.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let chunk = 1; chunk <= 3; chunk++) {
        const body = {
          candidates: [{ content: { role: 'model', parts: [{ text: `part ${chunk} ` }] } }],
          usageMetadata: { promptTokenCount: 12, candidatesTokenCount: chunk * 4 },
        };
        out.write(`data: ${JSON.stringify(body)}\r\n\r\n`);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function serve(options: Parameters<typeof createFakeGemini>[0]) {
  const fake = createFakeGemini(options);
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const MODEL = 'gemini-2.5-flash';
const usage = { promptTokenCount: 1_000, candidatesTokenCount: 100 };

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});

/** A gateway's flat price: a cent per call that used tokens, whatever the model. */
function flatPricer(calls: [CostUsage, string, string | undefined][] = []): Pricer {
  return {
    name: 'gateway-pricing',
    price: (used, model, tier) => {
      calls.push([used, model, tier]);
      return {
        currency: 'USD',
        total: '0.01',
        input: '0.004',
        cachedInput: '0',
        output: '0.006',
        thinking: '0',
      };
    },
  };
}

const CENT: Cost = {
  currency: 'USD',
  total: '0.01',
  input: '0.004',
  cachedInput: '0',
  output: '0.006',
  thinking: '0',
};

describe('the pricing plugin', () => {
  it("is listed by every agent, with the prices it prices with (gemloop's table by default)", async () => {
    const { gemini } = await serve({ script: [] });
    const table = {
      'my-model': { standard: { input: '1', output: '2', source: 'mine', checked: '2026-11-26' } },
    };
    const plain = createAgent({ gemini, model: MODEL });
    const priced = createAgent({ gemini, model: MODEL, prices: table });
    const pricing = (agent: { plugins?: readonly AgentPlugin[] | undefined }) =>
      agent.plugins?.find((plugin) => plugin.name === 'pricing') as
        | { name: string; prices: unknown }
        | undefined;
    expect(pricing(plain)).toMatchObject({ name: 'pricing', prices: undefined });
    expect(pricing(priced)?.prices).toBe(table);
    expect(
      createAgent({ gemini, model: MODEL, prices: false }).plugins?.map((p) => p.name),
    ).toEqual(['continuation']);
  });

  it("prices each step with the agent's own pricer, streamed and unary", async () => {
    for (const streaming of [false, true]) {
      const { gemini } = await serve({
        script: [turn.call('lookup', { word: 'a' }, { usage }), turn.text('done', { usage })],
      });
      const calls: [CostUsage, string, string | undefined][] = [];
      const pricer = flatPricer(calls);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [lookup],
        prices: pricer,
        serviceTier: streaming ? 'flex' : undefined,
      });
      expect(agent.plugins?.map((plugin) => plugin.name)).toEqual([
        'continuation',
        'gateway-pricing',
      ]);
      expect(agent.plugins?.[1]).toBe(pricer);
      const result = streaming ? await agent.stream('Hi').result : await agent.run('Hi');
      expect(result.steps.map((step) => step.cost)).toEqual([CENT, CENT]);
      expect(result.cost.total).toBe('0.02');
      // The usage, the model and the tier that served each call (none asked for: none).
      const tier = streaming ? 'flex' : undefined;
      expect(calls.map(([used, model, served]) => [used.promptTokenCount, model, served])).toEqual([
        [1_000, MODEL, tier],
        [1_000, MODEL, tier],
      ]);
    }
  });

  it("holds the agent's stop conditions and the tree's cost budget at its prices", async () => {
    const { gemini } = await serve({
      script: [
        turn.call('lookup', { word: 'a' }, { usage }),
        turn.call('lookup', { word: 'b' }, { usage }),
        turn.text('done', { usage }),
      ],
    });
    const stopped = createAgent({
      gemini,
      model: MODEL,
      tools: [lookup],
      prices: flatPricer(),
      stopWhen: costAbove(0.015),
    });
    const result = await stopped.run('Hi');
    expect(result.steps).toHaveLength(2);
    expect(result.cost.total).toBe('0.02');

    const { gemini: other } = await serve({
      script: [turn.call('lookup', { word: 'a' }, { usage }), turn.text('done', { usage })],
    });
    const budgeted = createAgent({
      gemini: other,
      model: MODEL,
      tools: [lookup],
      prices: flatPricer(),
    });
    await expect(budgeted.run('Hi', { budget: { maxCostUsd: '0.005' } })).rejects.toMatchObject({
      name: 'TreeBudgetError',
      limit: 'cost',
    });
  });

  it("gives the model-call span the pricer's cost", async () => {
    const { gemini } = await serve({ script: [turn.text('done', { usage })] });
    const ended: unknown[] = [];
    const observer: RunObserver = {
      startRun: () => ({
        modelCall: () => ({
          retry() {},
          firstChunk() {},
          end: (outcome) => ended.push('cost' in outcome ? outcome.cost : undefined),
        }),
        toolCall: () => ({ end() {} }),
        stepEnd() {},
        end() {},
      }),
    };
    const agent = createAgent({ gemini, model: MODEL, prices: flatPricer(), recorder: observer });
    await agent.run('Hi');
    expect(ended).toEqual([CENT]);
  });

  it("prices a subagent's calls with the child's pricer, and sums them into the parent's", async () => {
    const { gemini } = await serve({
      script: [
        turn.call('writer', { task: 'a story' }, { usage }),
        turn.text('Once.', { usage }),
        turn.text('Done.', { usage }),
      ],
    });
    const child = createAgent({ gemini, model: MODEL, prices: flatPricer() });
    const parent = createAgent({
      gemini,
      model: MODEL,
      tools: [subagent(child, { name: 'writer', description: 'Writes.' })],
      prices: {
        [MODEL]: { standard: { input: '0', output: '0', source: 'free', checked: '2026-11-26' } },
      },
    });
    const result = await parent.run('A story.');
    expect(result.steps.map((step) => step.cost.total)).toEqual(['0', '0']);
    expect(result.steps[0]?.costWithChildren?.total).toBe('0.01');
    // The run's cost is its tree's: the child's calls, at the child's prices, included.
    expect(result.cost.total).toBe('0.01');
  });

  it("prices a chat's turns with the agent's pricer", async () => {
    const { gemini } = await serve({
      script: [turn.text('One.', { usage }), turn.text('Two.', { usage })],
    });
    const agent = createAgent({ gemini, model: MODEL, prices: flatPricer() });
    const chat = createChatSession({ agent, store: createMemoryHistoryStore(), id: 'c' });
    expect((await chat.send('Hi')).cost.total).toBe('0.01');
    expect((await chat.send('Again')).cost.total).toBe('0.01');
  });

  it("prices the billed usage of a stream cut by an abort with the agent's pricer (no step, no hook)", async () => {
    const baseUrl = await serveCutStream();
    const gemini = createGemini({ apiKey: 'test-key', baseUrl, retry: false });
    const calls: [CostUsage, string, string | undefined][] = [];
    const agent = createAgent({ gemini, model: MODEL, prices: flatPricer(calls) });
    const controller = new AbortController();
    const stream = agent.stream('Tell a story', { signal: controller.signal });
    let deltas = 0;
    const error = await (async () => {
      for await (const event of stream) {
        if (event.type === 'text-delta' && ++deltas === 3) controller.abort(new Error('stop'));
      }
    })().catch((caught: unknown) => caught);
    await stream.result.catch(() => undefined);
    expect(calls.map(([used]) => used.candidatesTokenCount)).toEqual([12]);
    expect((error as { run: { cost: Cost } }).run.cost).toEqual(CENT);
  });

  it('makes every cost unknown with prices: false, saying why', async () => {
    const { gemini } = await serve({ script: [turn.text('done', { usage })] });
    const result = await createAgent({ gemini, model: MODEL, prices: false }).run('Hi');
    expect(result.cost.total).toBeNull();
    expect(result.steps[0]?.cost.unknown).toBe('pricing is off (prices: false)');
  });

  it("makes a call's cost unknown, not the run failed, when the pricer throws or answers no cost", async () => {
    const { gemini } = await serve({
      script: [
        turn.call('lookup', { word: 'a' }, { usage }),
        turn.call('lookup', { word: 'b' }, { usage }),
        turn.text('done', { usage }),
      ],
    });
    let call = 0;
    const flaky: Pricer = {
      name: 'flaky',
      price: () => {
        call++;
        if (call === 1)
          throw new TypeError('the rate card at https://user:secret@prices.example is down');
        return (call === 2 ? '0.01' : CENT) as Cost;
      },
    };
    const agent = createAgent({ gemini, model: MODEL, tools: [lookup], prices: flaky });
    const result = await agent.run('Hi');
    expect(result.text).toBe('done');
    expect(result.steps.map((step) => step.cost.unknown)).toEqual([
      'the pricer "flaky" threw TypeError',
      'the pricer "flaky" answered no cost',
      undefined,
    ]);
    expect(JSON.stringify(result)).not.toContain('secret');
    expect(result.cost.total).toBeNull();
  });

  it("makes the run's sum unknown when a pricer answers amounts that are not dollars", async () => {
    const { gemini } = await serve({ script: [turn.text('done', { usage })] });
    const sloppy: Pricer = { name: 'sloppy', price: () => ({ ...CENT, total: '1e-2' }) };
    const result = await createAgent({ gemini, model: MODEL, prices: sloppy }).run('Hi');
    expect(result.steps[0]?.cost.total).toBe('1e-2');
    expect(result.cost.total).toBeNull();
    expect(result.cost.unknown).toMatch(/the total amount "1e-2" of a cost is not US dollars/);
  });

  it('keeps an unknown cost a pricer answers, with its reason', async () => {
    const { gemini } = await serve({ script: [turn.text('done', { usage })] });
    const pricer: Pricer = {
      name: 'partial',
      price: (_usage, model) => unknownCost(`no rate for ${model}`),
    };
    const result = await createAgent({ gemini, model: MODEL, prices: pricer }).run('Hi');
    expect(result.steps[0]?.cost.unknown).toBe(`no rate for ${MODEL}`);
  });

  it('refuses a pricer without a name, a prices value of another kind, and the plugin in plugins', async () => {
    const { gemini } = await serve({ script: [] });
    expect(() =>
      createAgent({ gemini, model: MODEL, prices: { name: '', price: () => CENT } as Pricer }),
    ).toThrow(/prices\.name must be a name of 1 to 80 characters/);
    expect(() => createAgent({ gemini, model: MODEL, prices: true as unknown as false })).toThrow(
      /prices must be a price table, a \(model, tier\) => price function, a pricer or false/,
    );
    const pricing = createAgent({ gemini, model: MODEL }).plugins?.at(-1);
    expect(() => createAgent({ gemini, model: MODEL, plugins: [pricing as AgentPlugin] })).toThrow(
      /plugins\[0\] is a plugin every agent has by default; set it with the createAgent option "prices"/,
    );
  });

  it("lets a pricer of one's own fall back to gemloop's, through the listed plugin", async () => {
    const { gemini } = await serve({
      script: [
        turn.text('done', { usage: { promptTokenCount: 1_000_000, candidatesTokenCount: 0 } }),
      ],
    });
    const gemloops = createAgent({ gemini, model: MODEL }).plugins?.at(-1) as unknown as Pricer;
    const pricer: Pricer = {
      name: 'gateway-or-gemloop',
      price: (used, model, tier) =>
        model.startsWith('gateway/') ? CENT : gemloops.price(used, model, tier),
    };
    const result = await createAgent({ gemini, model: MODEL, prices: pricer }).run('Hi');
    // gemini-2.5-flash: $0.30 per 1M input tokens.
    expect(result.cost.total).toBe('0.3');
  });
});
