import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../http/create-gemini.ts';
import { createLogger } from '../logging/create-logger.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';

// A tool calling a Google API with the same key may fail with an error that holds it anywhere:
// under a symbol key, deep in its cause chain. The agent scrubs what tools throw with the client's
// redactor, which must fail closed like the client's own error path, and must know the
// credentials given in the client's `headers` option too.

const KEY = 'AIzaToolRedaction-0123456789';
const GATEWAY_TOKEN = 'gw-tool-redaction-credential-42';

function deepChain(depth: number, innermost: unknown): Error {
  let error: unknown = innermost;
  for (let level = 0; level < depth; level++) {
    error = new Error(`level ${level}`, { cause: error });
  }
  return error as Error;
}

const throwers: [string, () => unknown][] = [
  [
    'under a symbol key',
    () => Object.assign(new Error('upstream failed'), { [Symbol('request')]: { key: KEY } }),
  ],
  ['15 causes deep', () => deepChain(15, new Error(`bad key ${KEY}`))],
  ['40 causes deep', () => deepChain(40, { key: KEY })],
  [
    'in a Request',
    () =>
      new Error('upstream failed', {
        cause: new Request('https://api.test/', { headers: { 'x-goog-api-key': KEY } }),
      }),
  ],
  [
    'quoting a header credential of the client',
    () => new Error(`gateway refused x-api-key ${GATEWAY_TOKEN}`),
  ],
];

function render(value: unknown): string {
  let json = '';
  try {
    json = JSON.stringify(value);
  } catch {
    // a value JSON cannot hold: inspect still shows everything
  }
  return `${json}\n${inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true })}`;
}

describe('tool errors in the run result keep secrets out', () => {
  for (const [shape, make] of throwers) {
    it(`holds for a tool error with the secret ${shape}`, async () => {
      const lines: string[] = [];
      const destination = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const logger = createLogger({ level: 'trace', destination });
      const fake = createFakeGemini({ script: [turn.call('leaky', {}), turn.text('done')] });
      const gemini = createGemini({
        apiKey: KEY,
        headers: { 'x-api-key': GATEWAY_TOKEN },
        fetch: fake.fetch,
        logger,
      });
      const leaky = defineTool({
        name: 'leaky',
        parameters: z.object({}),
        execute: () => {
          throw make();
        },
      });
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [leaky], logger });
      const result = await agent.run('Go.');
      const call = result.steps.flatMap((step) => step.toolCalls)[0];
      expect(call?.outcome).toBe('execution-error');
      for (const secret of [KEY, GATEWAY_TOKEN]) {
        expect(render(call?.cause), 'toolCalls[].cause').not.toContain(secret);
        expect(render(result), 'result').not.toContain(secret);
        expect(lines.join('\n'), 'log').not.toContain(secret);
        expect(JSON.stringify(fake.modelRequests.map((request) => request.body))).not.toContain(
          secret,
        );
      }
    });
  }
});
