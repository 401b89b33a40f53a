import { describe, expect, it } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { subagent } from '../composition/subagent.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// A run with a subagent, streamed to a page: the child's events keep their path (so a page can
// nest them, or keep only the answer's), and only the run's own end is the page's `finish`.

const MODEL = 'gemini-2.5-flash';

describe('a subagent in the browser protocol', () => {
  it("tags the child's events with its path and ends the stream once, with the run's finish", async () => {
    const child = createAgent({
      gemini: createScriptedGemini([textTurn('Paris is the capital.')]),
      model: MODEL,
      instructions: 'Search.',
    });
    const parent = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['search', { task: 'Find the capital of France.' }, 'c1']),
        textTurn('Paris.'),
      ]),
      model: MODEL,
      tools: [subagent(child, { name: 'search', description: 'Searches.' })],
    });
    const response = toEventStreamResponse(parent.stream('Capital of France?'), { runId: 'r' });
    const { events } = parseSse(await readBody(response.body as ReadableStream<Uint8Array>));
    const described = events.map(
      (event) => `${(event.data.path as string[]).join('/') || 'top'} ${event.event}`,
    );
    expect(described).toContain('search#1 text-delta');
    expect(described).toContain('search#1 step-start');
    expect(described.filter((line) => line.endsWith(' finish'))).toEqual(['top finish']);
    expect(described.at(-1)).toBe('top finish');
    const childText = events.find(
      (event) => event.event === 'text-delta' && (event.data.path as string[])[0] === 'search#1',
    );
    expect(childText?.data.text).toBe('Paris is the capital.');
  });
});
