import { countOptionReads } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createLiveToken, type LiveTokenOptions } from './create-live-token.ts';

// createLiveToken's options were never checked (options-live, issue 53 item 7): a misspelt
// `modalty: 'audio'` minted a text token without a word, `modality: 'video'` a text one too, an
// `expireTime` given as a string threw "toISOString is not a function" (a TypeError naming no
// option), an Invalid Date a RangeError, and the session options were read twice (by the
// setup, then never checked). Each is now refused, before any request, naming the option.

/** An agent whose client answers every request with a token, and records them. */
function agentWithoutRequests() {
  const requests: string[] = [];
  const bodies: unknown[] = [];
  const gemini = createGemini({
    apiKey: 'test-key',
    fetch: (url, init) => {
      requests.push(String(url));
      bodies.push(JSON.parse(String(init?.body)));
      return Promise.resolve(new Response(JSON.stringify({ name: 'auth_tokens/x' })));
    },
  });
  return { agent: createAgent({ gemini, model: 'gemini-live-test' }), requests, bodies };
}

describe('createLiveToken with bad options', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a misspelt option', { modalty: 'audio' }, /modalty.*Did you mean 'modality'/s],
    ['a modality Live does not have', { modality: 'video' }, /modality/],
    ['an expireTime that is not a Date', { expireTime: '2026-12-01T00:00:00Z' }, /expireTime/],
    ['an Invalid Date', { newSessionExpireTime: new Date(Number.NaN) }, /newSessionExpireTime/],
    ['uses below 0', { uses: -1 }, /uses/],
    ['uses not whole', { uses: 1.5 }, /uses/],
    ['a signal that is not one', { signal: 'stop' }, /signal/],
    ['a session option a token does not lock', { maxFrameBytes: 1000 }, /maxFrameBytes/],
  ])('refuses %s with an InvalidArgumentError, before any request', async (_, options, message) => {
    const { agent, requests } = agentWithoutRequests();
    const minted = createLiveToken(agent, options as LiveTokenOptions);
    await expect(minted).rejects.toThrow(InvalidArgumentError);
    await expect(minted).rejects.toThrow(message);
    expect(requests).toEqual([]);
  });

  it('reads each option once', async () => {
    const { agent, requests } = agentWithoutRequests();
    const { options, reads } = countOptionReads({
      model: 'gemini-live-test',
      modality: 'audio' as const,
      transcripts: false,
      contextWindowTokens: 50_000,
      toolBehavior: {},
      uses: 2,
      expireTime: new Date(Date.now() + 60_000),
      newSessionExpireTime: new Date(Date.now() + 30_000),
      signal: new AbortController().signal,
    });
    await createLiveToken(agent, options);
    expect(requests).toHaveLength(1);
    expect(Object.entries(reads).filter(([, count]) => count !== 1)).toEqual([]);
  });

  it('sends uses 1 when left out (LIVE_TOKEN_DEFAULTS), and the given count otherwise', async () => {
    const { agent, bodies } = agentWithoutRequests();
    await createLiveToken(agent);
    await createLiveToken(agent, { uses: undefined });
    await createLiveToken(agent, { uses: 0 });
    expect(bodies.map((body) => (body as { uses: unknown }).uses)).toEqual([1, 1, 0]);
  });
});
