// A tenth outside pass (attack-core10): zod schemas Gemini's responseSchema cannot hold (a bigint,
// a date, a map, a set, a symbol, a function, a transform, a union of 30 objects), as an agent's
// output and as a tool's parameters, and `__proto__` in a tool's arguments. Public imports only,
// against the fake Gemini on 127.0.0.1. Each: refused typed where it is made, naming what cannot
// be sent (zod 4's own converter refuses each; zod 3's path names the field and a fix), never a
// request that turns the type into `{}` and then fails on every answer.
import { createAgent, defineTool, InvalidArgumentError } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL, MODES, outcome, serve } from '../plugins/outside-attack-kit.ts';

/** Schemas with no JSON Schema a model can answer to. */
const UNSENDABLE: Array<[string, z.ZodType]> = [
  ['z.bigint()', z.object({ n: z.bigint() })],
  ['z.date()', z.object({ at: z.date() })],
  ['z.map()', z.object({ m: z.map(z.string(), z.number()) })],
  ['z.set()', z.object({ s: z.set(z.string()) })],
  ['z.symbol()', z.object({ s: z.symbol() })],
  ['z.function()', z.object({ f: z.function() as unknown as z.ZodType })],
  ['z.undefined()', z.object({ u: z.undefined() })],
  ['z.nan()', z.object({ x: z.nan() })],
];

describe('an output schema JSON Schema cannot hold', () => {
  for (const [label, schema] of UNSENDABLE) {
    it(`${label}: refused by createAgent naming the output schema and the type, nothing sent`, async () => {
      const { fake, gemini } = await serve([turn.text('never')]);
      let refused: unknown;
      try {
        createAgent({ gemini, model: MODEL, output: schema });
      } catch (error) {
        refused = error;
      }
      expect(InvalidArgumentError.isInstance(refused)).toBe(true);
      expect(String((refused as Error).message)).toMatch(/output schema .*JSON Schema/);
      expect(fake.modelRequests).toHaveLength(0);
    });
  }
});

describe('a tool whose parameters JSON Schema cannot hold', () => {
  for (const [label, schema] of UNSENDABLE) {
    it(`${label}: refused by defineTool naming the tool`, () => {
      let refused: unknown;
      try {
        defineTool({
          name: 'odd',
          description: 'Odd.',
          parameters: schema as z.ZodObject<z.ZodRawShape>,
          execute: () => 'x',
        });
      } catch (error) {
        refused = error;
      }
      expect(InvalidArgumentError.isInstance(refused)).toBe(true);
      expect(String((refused as Error).message)).toContain('tool "odd"');
    });
  }
});

describe('an output schema of a union of 30 objects', () => {
  for (const mode of MODES) {
    it(`is sent and an answer of its 30th member read (${mode})`, async () => {
      const members = Array.from({ length: 30 }, (_, index) =>
        z.object({ kind: z.literal(`k${index}`), [`f${index}`]: z.number() }),
      );
      const schema = z.union(members as unknown as [z.ZodTypeAny, z.ZodTypeAny]);
      const { fake, gemini } = await serve([turn.json({ kind: 'k29', f29: 3 })]);
      const agent = createAgent({ gemini, model: MODEL, output: schema });
      const { result, error } = await outcome(agent, mode, 'Pick.');
      expect(error).toBeUndefined();
      expect(result?.output).toEqual({ kind: 'k29', f29: 3 });
      expect(fake.modelRequests).toHaveLength(1);
    });
  }
});

describe('an output schema with a transform and a refinement', () => {
  for (const mode of MODES) {
    it(`a JSON answer that fails only the refinement is re-asked naming it, then typed (${mode})`, async () => {
      const schema = z
        .object({ low: z.number(), high: z.number() })
        .refine((value) => value.low < value.high, { message: 'low must be below high' })
        .transform((value) => ({ ...value, span: value.high - value.low }));
      const { fake, gemini } = await serve([
        turn.json({ low: 5, high: 1 }),
        turn.json({ low: 1, high: 5 }),
      ]);
      const agent = createAgent({ gemini, model: MODEL, output: schema });
      const { result, error } = await outcome(agent, mode, 'Range.');
      expect(error).toBeUndefined();
      expect(result?.output).toEqual({ low: 1, high: 5, span: 4 });
      expect(JSON.stringify(fake.modelRequests[1]?.body)).toContain('low must be below high');
    });
  }
});

describe('__proto__, constructor and prototype keys in the arguments the model sends', () => {
  for (const mode of MODES) {
    it(`reach the tool as own data, pollute nothing, and go back verbatim (${mode})`, async () => {
      const seen: unknown[] = [];
      const tool = defineTool({
        name: 'save',
        description: 'Saves a record.',
        parameters: z.object({ record: z.record(z.string(), z.unknown()) }),
        execute: ({ record }) => {
          seen.push(record);
          const merged: Record<string, unknown> = {};
          Object.assign(merged, record);
          return { keys: Object.keys(record) };
        },
      });
      const args = JSON.parse(
        '{"record":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted2":"yes"}},"a":1}}',
      ) as Record<string, unknown>;
      const { fake, gemini } = await serve([turn.call('save', args), turn.text('saved')]);
      const agent = createAgent({ gemini, model: MODEL, tools: [tool] });
      const { result, error } = await outcome(agent, mode, 'Save.');
      expect(error).toBeUndefined();
      expect(result?.text).toBe('saved');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(({} as Record<string, unknown>)['polluted2']).toBeUndefined();
      // What the model sent goes back as the model sent it: the __proto__ key too.
      const sent = JSON.stringify(fake.modelRequests[1]?.body);
      expect(sent).toContain('"__proto__":{"polluted":"yes"}');
      const record = seen[0] as Record<string, unknown>;
      expect(Object.getPrototypeOf(record)).not.toEqual({ polluted: 'yes' });
    });
  }
});
