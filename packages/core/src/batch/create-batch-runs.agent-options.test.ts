import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '../history/thought-signatures/thought-signature-bypass.ts';
import { createBatches } from '../http/batches/create-batches.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createFiles } from '../http/files/create-files.ts';
import type { Logger } from '../logging/logger.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createBatchRuns } from './create-batch-runs.ts';

// leftovers73: createBatchRuns lacked two options createAgent has. `capabilities`: a gateway
// alias the table does not know could not be told it requires thought signatures, so start()
// sent an unsigned history the agent would have signed. `logger`: a job of hours said nothing of
// its rounds, and its tools got a silent logger as their context's. Both are now declared as the
// agent's are (its check, its words), and a wrong one is refused the same way.

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const offline = createGemini({
  apiKey: 'test-key',
  baseUrl: 'https://gateway.test',
  retry: false,
  fetch: async () => {
    throw new Error('start() makes no request');
  },
});

const unsigned = () => [
  { role: 'user' as const, parts: [{ text: 'Weather in Paris?' }] },
  {
    role: 'model' as const,
    parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }],
  },
  {
    role: 'user' as const,
    parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'clear' } } }],
  },
];

/** A logger that keeps every line, and its children's, with their bindings. */
function keepingLogger(lines: { level: string; bindings: object; data: object; text: string }[]) {
  const make = (bindings: object): Logger => {
    const at =
      (level: string) =>
      (data: unknown, text?: string): void => {
        lines.push({ level, bindings, data: data as object, text: text ?? '' });
      };
    return {
      child: (more) => make({ ...bindings, ...more }),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
    };
  };
  return make({});
}

describe('createBatchRuns({ capabilities })', () => {
  it('signs a history for a gateway alias told it requires signatures, as the agent does', () => {
    const model = 'my-gateway-alias';
    const plain = createBatchRuns({ gemini: offline, model }).start([unsigned()]);
    expect(plain.runs[0]?.contents).toEqual(unsigned());
    const told = createBatchRuns({
      gemini: offline,
      model,
      capabilities: { requiresThoughtSignatures: true },
    }).start([unsigned()]);
    expect(told.runs[0]?.contents[1]?.parts[0]).toMatchObject({
      thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR,
    });
  });

  it("refuses a wrong one with createAgent's own words", () => {
    const agentError = (() => {
      try {
        createAgent({ gemini: offline, model: 'gemini-2.5-flash', capabilities: 'fast' as never });
      } catch (error) {
        return error as Error;
      }
      throw new Error('createAgent took it');
    })();
    const batch = () =>
      createBatchRuns({
        gemini: offline,
        model: 'gemini-2.5-flash',
        capabilities: 'fast' as never,
      });
    expect(batch).toThrow(InvalidArgumentError);
    expect(batch).toThrow(agentError.message.replace('createAgent', 'createBatchRuns'));
  });
});

describe('createBatchRuns({ logger })', () => {
  it('logs each round and hands the logger to the tools', async () => {
    fake = createFakeGemini({
      script: (_request, { functionResponses }) =>
        functionResponses.length === 0
          ? turn.call('get_weather', { city: 'Paris' })
          : turn.text('Clear.'),
    });
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    Object.assign(gemini, { files: createFiles(gemini), batches: createBatches(gemini) });
    const lines: { level: string; bindings: object; data: object; text: string }[] = [];
    const getWeather = defineTool({
      name: 'get_weather',
      description: 'The weather of a city.',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }, context) => {
        context.logger.info({ city }, 'tool looked');
        return { sky: 'clear' };
      },
    });
    const runs = createBatchRuns({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [getWeather],
      pollIntervalMs: 0,
      logger: keepingLogger(lines),
    });
    const done = await runs.run(runs.start(['Paris']));
    expect(done.runs[0]?.text).toBe('Clear.');
    expect(lines.map((line) => `${line.level} ${line.text}`)).toEqual([
      'debug batch round submitted',
      'info tool looked',
      'debug batch round collected',
      'debug batch round submitted',
      'debug batch round collected',
    ]);
    for (const line of lines) {
      expect(line.bindings).toEqual({ component: 'batch-runs', model: 'gemini-2.5-flash' });
    }
    expect(lines[0]?.data).toMatchObject({ round: 1, runs: 1 });
    expect(lines[2]?.data).toMatchObject({ round: 1, running: 1, failed: 0 });
    expect(lines[4]?.data).toMatchObject({ round: 2, running: 0, failed: 0 });
  });

  it('refuses a logger without its methods as createAgent does', () => {
    expect(() =>
      createBatchRuns({ gemini: offline, model: 'gemini-2.5-flash', logger: {} as never }),
    ).toThrow(/logger must have child, debug, info, warn and error methods/);
  });
});
