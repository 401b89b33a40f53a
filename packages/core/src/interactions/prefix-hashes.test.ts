import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { Content } from '../wire/content.ts';
import { interactionsApi } from './interactions-api.ts';
import { prefixHashes } from './prefix-hashes.ts';

// A history edited in place between two runs (a secret redacted from an earlier turn) is a
// history the server does not hold: sent whole, as generateContent sends it as it is now
// (ContentJsonCache keeps a run's JSON for that run only, for the same reason).

describe('prefixHashes', () => {
  it('hashes a content edited in place again in a new scope, and reuses it within one', () => {
    const contents: Content[] = [{ role: 'user', parts: [{ text: 'secret: 1234' }] }];
    const run = {};
    const before = prefixHashes(contents, run);
    (contents[0]?.parts?.[0] as { text: string }).text = 'secret: [redacted]';
    // Within one run nothing is edited (the run only appends): the cached hash holds.
    expect(prefixHashes(contents, run)).toEqual(before);
    expect(prefixHashes(contents, {})).not.toEqual(before);
    expect(prefixHashes(contents)).not.toEqual(before);
  });

  it('an agent on interactionsApi() sends a history edited in place between runs whole', async () => {
    const fake = createFakeGemini({
      script: (_request, { lastUserText }) => turn.text(`echo ${lastUserText}`),
    });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', api: interactionsApi() });
    const first = await agent.run('secret: 1234');
    const contents = first.contents as Content[];
    (contents[0]?.parts?.[0] as { text: string }).text = 'secret: [redacted]';
    await agent.run([...contents, { role: 'user', parts: [{ text: 'next' }] }]);
    const body = fake.requests.at(-1)?.body as Record<string, unknown>;
    expect(body['previous_interaction_id']).toBeUndefined();
    expect((body['input'] as unknown[])[0]).toEqual({
      type: 'user_input',
      content: [{ type: 'text', text: 'secret: [redacted]' }],
    });
  });
});
