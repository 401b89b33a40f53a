// A sixth outside pass (attack-core6): schemas that turn on their user. Public imports only,
// against the fake Gemini on 127.0.0.1.
import { createAgent, defineTool } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { everything, KEY, MODEL, MODES, outcome, serve } from '../plugins/outside-attack-kit.ts';

describe("a tool whose zod schema's transform throws the key", () => {
  for (const mode of MODES) {
    it(`the model, the caller and the history never see the key (${mode})`, async () => {
      const tool = defineTool({
        name: 'charge',
        description: 'Charges a card.',
        parameters: z.object({
          card: z.string().transform((value) => {
            throw new Error(`bad card ${value} for ${KEY}`);
          }),
        }),
        execute: () => 'charged',
      });
      const { fake, gemini } = await serve([
        turn.call('charge', { card: '4111' }),
        turn.text('ok'),
      ]);
      const agent = createAgent({ gemini, model: MODEL, tools: [tool] });
      const { result, error } = await outcome(agent, mode, 'Charge it.');
      expect(everything(error)).not.toContain(KEY);
      expect(JSON.stringify(result?.contents ?? [])).not.toContain(KEY);
      expect(JSON.stringify(fake.modelRequests.map((request) => request.body))).not.toContain(KEY);
    });
  }
});

describe('an output schema that recurses', () => {
  for (const mode of MODES) {
    it(`is sent and the answer read (${mode})`, async () => {
      type Node = { name: string; children: Node[] };
      const node: z.ZodType<Node> = z.lazy(() =>
        z.object({ name: z.string(), children: z.array(node) }),
      );
      const answer = { name: 'a', children: [{ name: 'b', children: [] }] };
      const { fake, gemini } = await serve([turn.json(answer)]);
      const agent = createAgent({ gemini, model: MODEL, output: node });
      const { result, error } = await outcome(agent, mode, 'Tree.');
      expect(error).toBeUndefined();
      expect(result?.output).toEqual(answer);
      // Sent as a JSON Schema whose recursion is a $ref to its root, not unrolled without end.
      const sent = JSON.stringify(fake.modelRequests[0]?.body);
      expect(sent).toContain('"$ref":"#"');
      expect(sent.length).toBeLessThan(2_000);
    });
  }
});

describe('an output schema that is a union of 10,000 literals', () => {
  it('is sent once, and an answer outside it is re-asked, typed', async () => {
    const members = Array.from({ length: 10_000 }, (_, index) => z.literal(`v${index}`));
    const schema = z.object({ pick: z.union(members as never) });
    const { fake, gemini } = await serve([
      turn.json({ pick: 'nope' }),
      turn.json({ pick: 'v9999' }),
    ]);
    const agent = createAgent({ gemini, model: MODEL, output: schema });
    const { result, error } = await outcome(agent, 'run', 'Pick.');
    expect(error).toBeUndefined();
    expect(result?.output).toEqual({ pick: 'v9999' });
    // The schema went with each request, all 10,000 members; the re-ask was the second.
    expect(fake.modelRequests).toHaveLength(2);
    expect(JSON.stringify(fake.modelRequests[0]?.body)).toContain('"v9999"');
  });
});
