import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Guardrails, guardrails } from '../guardrails/index.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createLogger } from '../logging/create-logger.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';

// Every failure path of a run at once, with the logger at trace: a fetch that quotes the request
// headers (retried), a tool that fails quoting the key, a hook that does, `toolErrors: 'throw'`.
// The key must be in no log line, no request the model gets, no result and no thrown error.

const KEY = 'AIzaTraceAttack-9876543210';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'trace', destination }) };
}

function render(value: unknown): string {
  let json = '';
  try {
    json = JSON.stringify(value);
  } catch {
    // a value JSON cannot hold: inspect still shows everything
  }
  return `${json}\n${inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true })}`;
}

describe('a run at trace level keeps the API key out of everything', () => {
  for (const auth of ['x-goog-api-key', 'bearer'] as const) {
    for (const streaming of [false, true]) {
      it(`holds for auth ${auth}, ${streaming ? 'streamed' : 'unstreamed'}`, async () => {
        const { lines, logger } = capture();
        const fake = createFakeGemini({
          script: [turn.call('leaky', {}), turn.call('leaky', {}), turn.text('done')],
        });
        let calls = 0;
        const fetch: typeof globalThis.fetch = async (input, init) => {
          if (calls++ === 0) {
            throw new TypeError(`fetch failed; sent ${JSON.stringify(init?.headers)}`);
          }
          return fake.fetch(input, init);
        };
        const gemini = createGemini({
          apiKey: KEY,
          auth,
          fetch,
          logger,
          retry: { maxRetries: 1, initialDelayMs: 1 },
        });
        const leaky = defineTool({
          name: 'leaky',
          parameters: z.object({}),
          execute: () => {
            throw new Error(`upstream said: bad key ${KEY}`, { cause: { key: KEY } });
          },
        });
        let hookCalls = 0;
        const agent = createAgent({
          gemini,
          model: 'gemini-2.5-flash',
          tools: [leaky],
          logger,
          beforeToolCall: () => {
            // Approve the first call; fail the second quoting the key.
            if (hookCalls++ === 0) return undefined;
            throw new Error(`policy service: key ${KEY} not allowed`);
          },
        });
        let outcome: unknown;
        try {
          outcome = streaming ? await agent.stream('Go.').result : await agent.run('Go.');
        } catch (error) {
          outcome = error;
        }
        expect(calls).toBeGreaterThan(2);
        expect(lines.length).toBeGreaterThan(3);
        expect(lines.join('')).not.toContain(KEY);
        expect(JSON.stringify(fake.modelRequests.map((request) => request.body))).not.toContain(
          KEY,
        );
        expect(render(outcome)).not.toContain(KEY);
      });
    }
  }

  it("holds for toolErrors: 'throw'", async () => {
    const { lines, logger } = capture();
    const fake = createFakeGemini({ script: [turn.call('leaky', {})] });
    const gemini = createGemini({ apiKey: KEY, fetch: fake.fetch, logger, retry: false });
    const leaky = defineTool({
      name: 'leaky',
      parameters: z.object({}),
      execute: async () => {
        throw `rejected with ${KEY}`;
      },
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [leaky],
      logger,
      toolErrors: 'throw',
    });
    const error = await agent.run('Go.').catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(Error);
    expect(render(error)).not.toContain(KEY);
    expect((error as Error).message).toContain('[redacted]');
    expect(lines.join('')).not.toContain(KEY);
  });

  it('holds for a beforeToolCall deny message that quotes the key', async () => {
    // A policy hook that checks credentials may deny with the upstream's words, key included, as
    // it may throw them (the first test): the model, the result and the logs get neither.
    const { lines, logger } = capture();
    const fake = createFakeGemini({ script: [turn.call('guarded', {}), turn.text('done')] });
    const gemini = createGemini({ apiKey: KEY, fetch: fake.fetch, logger, retry: false });
    const guarded = defineTool({ name: 'guarded', parameters: z.object({}), execute: () => 'ran' });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [guarded],
      logger,
      beforeToolCall: () => ({ type: 'deny', message: `policy service: key ${KEY} not allowed` }),
    });
    const stream = agent.stream('Go.');
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
    expect(result.steps[0]?.toolCalls[0]?.error).toBe('policy service: key [redacted] not allowed');
    expect(JSON.stringify(fake.modelRequests.map((request) => request.body))).not.toContain(KEY);
    expect(render(result)).not.toContain(KEY);
    expect(render(events)).not.toContain(KEY);
    expect(lines.join('')).not.toContain(KEY);
  });

  it('holds for a tool schema that throws quoting the key while it checks the arguments', async () => {
    // A transform that looks a value up with the same key may throw with the key in its message;
    // the throw is told to the model as an argument issue.
    const { lines, logger } = capture();
    const fake = createFakeGemini({ script: [turn.call('lookup', { q: 'x' }), turn.text('done')] });
    const gemini = createGemini({ apiKey: KEY, fetch: fake.fetch, logger, retry: false });
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({
        q: z.string().transform(() => {
          throw new Error(`lookup failed for https://api.test/?key=${KEY}`);
        }),
      }),
      execute: () => 'ran',
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup], logger });
    const stream = agent.stream('Go.');
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('invalid-args');
    expect(result.steps[0]?.toolCalls[0]?.error).toContain('[redacted]');
    expect(JSON.stringify(fake.modelRequests.map((request) => request.body))).not.toContain(KEY);
    expect(render(result)).not.toContain(KEY);
    expect(render(events)).not.toContain(KEY);
    expect(lines.join('')).not.toContain(KEY);
  });

  // A guardrail that calls a moderation service with the same key may throw, block or deny in
  // that service's words: the trip's error, the `guardrail` events (and so spans and run files)
  // and the model get the key redacted, as for a tool or a beforeToolCall hook.
  const leak = (): never => {
    throw new Error(`moderation failed for https://api.test/?key=${KEY}`);
  };
  const guardCases: [string, Guardrails, boolean][] = [
    ['an input check that throws', guardrails({ input: [{ name: 'g', check: leak }] }), true],
    [
      'an output check that blocks',
      guardrails({ output: [{ name: 'g', check: () => ({ type: 'block', reason: KEY }) }] }),
      true,
    ],
    [
      'a tool-input check that throws its verdict',
      guardrails({ tools: [{ name: 'g', before: () => ({ type: 'throw', reason: KEY }) }] }),
      true,
    ],
    [
      'a tool-input check that denies',
      guardrails({ tools: [{ name: 'g', before: () => ({ type: 'deny', message: KEY }) }] }),
      false,
    ],
    ['a tool-output check that throws', guardrails({ tools: [{ name: 'g', after: leak }] }), true],
    [
      'an input check that throws on a steer',
      guardrails({
        input: [{ name: 'g', check: ({ text }) => (text.includes('steer') ? leak() : undefined) }],
      }),
      true,
    ],
  ];
  for (const [name, guards, trips] of guardCases) {
    it(`holds for ${name}`, async () => {
      const { lines, logger } = capture();
      const fake = createFakeGemini({ script: [turn.call('guarded', {}), turn.text('done')] });
      const gemini = createGemini({ apiKey: KEY, fetch: fake.fetch, logger, retry: false });
      const guarded = defineTool({
        name: 'guarded',
        parameters: z.object({}),
        execute: () => 'ok',
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [guarded],
        logger,
        guardrails: guards,
      });
      const stream = agent.stream('Go.');
      const events: unknown[] = [];
      const outcome = (async () => {
        for await (const event of stream) {
          events.push(event);
          if (event.type === 'tool-call') stream.steer('A steer.');
        }
        return stream.result;
      })();
      const settled = await outcome.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      expect('error' in settled).toBe(trips);
      expect(events.some((event) => (event as { type: string }).type === 'guardrail')).toBe(true);
      expect(render(events)).not.toContain(KEY);
      expect(render(settled)).not.toContain(KEY);
      expect(JSON.stringify(fake.modelRequests.map((request) => request.body))).not.toContain(KEY);
      expect(lines.join('')).not.toContain(KEY);
    });
  }
});
