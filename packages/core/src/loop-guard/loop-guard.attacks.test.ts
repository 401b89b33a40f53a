import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { loopGuard } from './loop-guard.ts';
import { loopGuardReasons } from './loop-guard-reasons.ts';

// attack42b: the loop guard against a model that repeats one call in disguise, from outside: the
// real client over an injected fetch that writes each answer's JSON by hand, so the same arguments
// come with their keys reordered, escaped, as -0 or 0.0 or 0e5. All are one call to the guard: the
// 4th is steered and the 5th ends the run, streamed and unary.

/** The raw JSON text of `args` as the n-th call writes it (request n, 1-based). */
const disguises = [
  '{"city":"Oslo","unit":"C","days":0}',
  '{"unit":"C","days":-0,"city":"Oslo"}',
  '{"days":0.0,"city":"\\u004fslo","unit":"\\u0043"}',
  '{"city":"Oslo","days":0e5,"unit":"C","city":"Oslo"}',
  '{"days":-0.0e-3,"unit":"C","city":"Osl\\u006f"}',
];

function callJson(request: number, name = 'lookup'): string {
  const args = disguises[(request - 1) % disguises.length] as string;
  return `{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"${name}","args":${args}}}]},"finishReason":"STOP"}]}`;
}

function model(name?: string) {
  let requests = 0;
  const fetch = async (url: unknown): Promise<Response> => {
    const body = callJson(++requests, name);
    if (!String(url).includes(':streamGenerateContent')) {
      return new Response(body, { headers: { 'content-type': 'application/json' } });
    }
    return new Response(`data: ${body}\r\n\r\n`, {
      headers: { 'content-type': 'text/event-stream' },
    });
  };
  const gemini = createGemini({
    apiKey: 'test-key',
    fetch: fetch as typeof globalThis.fetch,
    retry: false,
  });
  return { gemini, requests: () => requests };
}

const lookupOf = (seen: unknown[]) =>
  defineTool({
    name: 'lookup',
    description: 'Looks the weather up.',
    parameters: z.object({ city: z.string(), unit: z.string(), days: z.number() }),
    execute: (args) => {
      seen.push(args);
      return { temperature: 21 };
    },
  });

describe('the loop guard against one call in disguise', () => {
  for (const mode of ['run', 'stream'] as const) {
    it(`(${mode}) steers a look-alike name (Cyrillic o, NFD accent) called again and again`, async () => {
      for (const name of ['l\u043e\u043ekup', 'looku\u0070\u0301']) {
        const { gemini, requests } = model(name);
        const seen: unknown[] = [];
        const agent = createAgent({
          gemini,
          model: 'gemini-2.5-flash',
          maxSteps: 20,
          tools: [lookupOf(seen)],
          plugins: [loopGuard()],
        });
        const result =
          mode === 'run' ? await agent.run('Weather?') : await agent.stream('Weather?').result;
        expect(seen, name).toEqual([]);
        expect(requests(), name).toBe(5);
        expect(result.stoppedBy, name).toEqual({
          plugin: 'loop-guard',
          reason: loopGuardReasons.repeatedFailure,
        });
      }
    });

    it(`(${mode}) takes reordered, escaped and -0/0.0/0e5 arguments as the same call`, async () => {
      const { gemini, requests } = model();
      const seen: unknown[] = [];
      const lookup = lookupOf(seen);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        maxSteps: 20,
        tools: [lookup],
        plugins: [loopGuard()],
      });
      const result =
        mode === 'run' ? await agent.run('Weather?') : await agent.stream('Weather?').result;
      expect(seen).toHaveLength(3);
      expect(requests()).toBe(5);
      expect(result.finishReason).toBe('plugin');
      expect(result.stoppedBy).toEqual({
        plugin: 'loop-guard',
        reason: loopGuardReasons.repeatedCall,
      });
    });
  }
});
