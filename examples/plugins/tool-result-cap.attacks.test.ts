import { createAgent, defineTool } from '@gemloop/core';
import { toolOutput } from '@gemloop/core/compaction';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL, MODES, outcome, serve } from './outside-attack-kit.ts';

// The cap on a tool result (the default every agent applies, and `toolOutput()`'s) attacked from
// outside (issue 53), public imports only, against the fake Gemini on 127.0.0.1: results of
// emoji and other surrogate pairs cut at every position, and a 50 MB result.

/** A string holding half of a surrogate pair without its other half. */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every string inside `value`. */
function strings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) strings(item, found);
  return found;
}

/** A tool that answers `result`. */
const answering = (result: unknown) =>
  defineTool({
    name: 'fetch_page',
    description: 'Fetches a page.',
    parameters: z.object({ url: z.string() }),
    execute: () => result,
  });

/** The second request's function response, as the model got it. */
async function capped(
  mode: (typeof MODES)[number],
  result: unknown,
  cap?: ReturnType<typeof toolOutput>,
) {
  const { fake, gemini } = await serve([turn.call('fetch_page', { url: 'u' }), turn.text('Done.')]);
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools: [answering(result)],
    ...(cap && { toolOutput: cap }),
  });
  const { result: ran, error } = await outcome(agent, mode, 'Go.');
  expect(error).toBeUndefined();
  expect(ran?.text).toBe('Done.');
  const body = fake.modelRequests[1]?.body as {
    contents: Array<{ parts: Array<{ functionResponse?: { response: unknown } }> }>;
  };
  const response = body.contents.at(-1)?.parts[0]?.functionResponse?.response;
  return { response, raw: JSON.stringify(fake.modelRequests[1]?.body) };
}

describe.each(MODES)('the tool-result cap attacked (%s)', (mode) => {
  it('surrogate pairs cut at every position of a small cap: never half a pair', async () => {
    // 'a' shifts the pairs by one unit, so both halves of a pair meet the cut.
    for (const text of ['😀'.repeat(400), `a${'😀'.repeat(400)}`, `${'𠀋'.repeat(200)}x😀`]) {
      for (const maxTokens of [10, 11, 12, 13]) {
        const { response } = await capped(mode, { text }, toolOutput({ maxTokens }));
        const cut = strings(response);
        expect(cut.some((each) => each.includes('gemloop: output of fetch_page truncated'))).toBe(
          true,
        );
        for (const each of cut) expect(LONE.test(each), `${maxTokens}`).toBe(false);
      }
    }
  });

  it('a 50 MB result with the default cap: cut to the default, the run goes on', async () => {
    const { response, raw } = await capped(mode, { page: 'x'.repeat(50_000_000) });
    expect(raw.length).toBeLessThan(2_000_000);
    expect(JSON.stringify(response)).toContain('truncated');
  }, 120_000);
});
