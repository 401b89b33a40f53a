import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import { createGemini } from '../../../http/create-gemini.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../../__fixtures__/run-both-ways.ts';
import { createAgent } from '../../create-agent.ts';
import { definePlugin } from '../define-plugin.ts';

// A wrapModelCall may send a call to another model (`ModelCallDraft.model`): the name is a
// plugin's value, and it goes into the request's URL. One that is not a model id (a path, a
// query, a fragment, an encoded dot) is refused before any byte is sent; one that is, goes to
// that model's own URL.

/** A client on the fake Gemini that records each URL it is asked for. */
function recordingGemini(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  const urls: string[] = [];
  const gemini = createGemini({
    apiKey: 'test-key',
    retry: false,
    fetch: (url, init) => {
      urls.push(String(url));
      return fake.fetch(url as never, init);
    },
  });
  return { gemini, urls };
}

const elsewhere = (model: string) =>
  definePlugin({
    name: 'elsewhere',
    wrapModelCall: (call, next) => next({ ...call, model }),
  });

describe.each(RUN_MODES)('a model override that is not a model id (%s)', (mode) => {
  it.each([
    ['a relative path', '../../v1beta/files'],
    ['another method and a query', 'gemini-2.5-flash:streamGenerateContent?key=x'],
    ['a space', 'gemini 2.5'],
    ['a fragment', 'gemini-2.5-flash#x'],
    ['an encoded dot-dot', '%2e%2e/evil'],
    ['a newline', 'gemini-2.5-flash\nHost: evil'],
  ])('refuses %s before any request, naming the model', async (_, model) => {
    const { gemini, urls } = recordingGemini([turn.text('never')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', plugins: [elsewhere(model)] });
    const error = await rejectionOf(runBothWays(mode, agent, 'Hi'));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('is not a model id');
    expect(urls).toEqual([]);
  });

  it('sends a call to a model id the wrapper names, at that model’s URL', async () => {
    const { gemini, urls } = recordingGemini([turn.text('From pro.')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      plugins: [elsewhere('gemini-2.5-pro')],
    });
    const { result } = await runBothWays(mode, agent, 'Hi');
    expect(result.text).toBe('From pro.');
    expect(urls).toHaveLength(1);
    expect(urls[0]).toContain('/models/gemini-2.5-pro:');
    expect(urls[0]).not.toContain('gemini-2.5-flash');
  });

  it('sends the agent’s own model when the wrapper names an empty one', async () => {
    const { gemini, urls } = recordingGemini([turn.text('Own.')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', plugins: [elsewhere('')] });
    await runBothWays(mode, agent, 'Hi');
    expect(urls[0]).toContain('/models/gemini-2.5-flash:');
  });
});
