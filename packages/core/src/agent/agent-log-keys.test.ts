import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
import { createLogger } from '../logging/create-logger.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { createAgent } from './create-agent.ts';

// leftovers83 (attack67b's note): the agent's logger is a child bound to `{ component: 'agent',
// model }`, and its warnings passed `model` again, so pino wrote the key twice on one line
// (`..."model":"gemini-3-flash-preview",...,"model":"gemini-3-flash-preview",...`). JSON leaves
// duplicate names to the parser (RFC 8259 section 4: "the behavior of software that receives such
// an object is unpredictable"): one that keeps the first name takes the binding's value, one that
// keeps the last the field's. Each key of a line now appears once.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const MODEL = 'gemini-3-flash-preview';

/** The names of a JSON object line's top-level keys, in order, repeats kept (JSON.parse drops them). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"') {
      let end = i + 1;
      while (line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && line[end + 1] === ':')
        keys.push(JSON.parse(line.slice(i, end + 1)) as string);
      i = end;
    } else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
  }
  return keys;
}

/**
 * An agent on Gemini 3 whose gateway strips thought signatures (the fake is asked as Gemini 2.5,
 * which signs nothing and takes calls unsigned), logging JSON lines into `lines`.
 */
function agentOnStrippingGateway(script: FakeTurn[]) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const lines: string[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    fake.fetch(String(input).replace(MODEL, 'gemini-2.5-flash'), init);
  const logger = createLogger({ level: 'warn', destination: { write: (l) => void lines.push(l) } });
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks a word up.',
    parameters: { type: 'object', properties: {} },
    execute: () => 'found',
  });
  const agent = createAgent({
    gemini: createGemini({ fetch, apiKey: 'test-key', retry: false }),
    model: MODEL,
    tools: [lookup],
    logger,
  });
  return { agent, lines };
}

describe("each key of the agent's log lines appears once", () => {
  it('a model call turn without its signature: one "model" (the binding\'s)', async () => {
    const { agent, lines } = agentOnStrippingGateway([turn.call('lookup', {}), turn.text('Done.')]);
    expect((await agent.run('Look it up.')).text).toBe('Done.');
    const warning = lines.find((line) => line.includes('without the thought signature'));
    expect(warning).toBeDefined();
    const keys = topLevelKeys(warning as string);
    expect(keys.filter((key) => key === 'model')).toEqual(['model']);
    expect(new Set(keys).size).toBe(keys.length);
    expect(JSON.parse(warning as string)).toMatchObject({
      component: 'agent',
      model: MODEL,
      toolName: 'lookup',
    });
  });

  it("a history's doubtful shape and its unsigned calls: every warning's keys once", async () => {
    const { agent, lines } = agentOnStrippingGateway([turn.text('Done.'), turn.text('Done.')]);
    const unsigned: Content[] = [
      { role: 'user', parts: [{ text: 'Weather?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'lookup', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: {} } }] },
    ];
    // Another name than the call's: a shape the API may refuse (a warning, not a refusal).
    const misnamed: Content[] = [
      { role: 'user', parts: [{ text: 'Weather?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'lookup', args: {} }, thoughtSignature: 'c2ln' }],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'weather', response: {} } }] },
    ];
    await agent.run(unsigned);
    await agent.run(misnamed);
    expect(lines.some((line) => line.includes('without the thought signature'))).toBe(true);
    expect(lines.some((line) => line.includes('a history the API may refuse'))).toBe(true);
    for (const line of lines) {
      const keys = topLevelKeys(line);
      expect(
        keys.filter((key) => key === 'model'),
        line,
      ).toEqual(['model']);
      expect(new Set(keys).size, line).toBe(keys.length);
    }
  });
});
