// A tenth outside pass (attack-core10): a chat session restored from a store across agent versions
// and from rows nobody checked (foreign-history.attacks.test.ts has the row shapes; this is what
// they mean): a model turn first, a call left waiting for a tool the new version dropped, a tool
// whose parameters changed, a turn of 50 MB, a 10 MB thought signature, a hand-off's receiver
// gone. Public imports only, the fake Gemini on 127.0.0.1. Each send fails typed with nothing
// saved, or goes on with a request the API takes.
import { type Content, createAgent, createChatSession, defineTool } from '@gemloop/core';
import { InvalidHistoryError, UnknownHandoffAgentError } from '@gemloop/core/errors';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { everything, KEY, MODEL, serve } from '../plugins/outside-attack-kit.ts';
import { storeOf } from './planted-store.ts';

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const model = (text: string): Content => ({ role: 'model', parts: [{ text }] });
const weather = defineTool({
  name: 'weather',
  description: 'The weather in a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: 3 }),
});

async function sendOnce(turns: unknown[], tools = [weather], model_ = MODEL) {
  const { fake, gemini } = await serve(() => turn.text('fine'));
  const agent = createAgent({ gemini, model: model_, tools });
  const store = storeOf(turns);
  const chat = createChatSession({ agent, id: 'c1', store });
  try {
    const result = await chat.send('next');
    return { fake, store, result };
  } catch (error) {
    return { fake, store, error };
  }
}

describe('a chat restored after the agent changed', () => {
  it('a call left waiting for a tool the new version dropped: refused typed before a request, naming the call and the fix, nothing saved', async () => {
    // A session never saves a turn whose calls wait (approvals are answered within the send): such
    // a row was written by hand or by another program, and the store's owner must answer it.
    const waiting: Content = {
      role: 'model',
      parts: [{ functionCall: { id: 'c1', name: 'delete_account', args: { user: 'u1' } } }],
    };
    const { fake, store, error } = await sendOnce([
      { contents: [user('Delete my account.'), waiting] },
    ]);
    expect(InvalidHistoryError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toContain('delete_account');
    expect(String((error as Error).message)).toContain('functionResponse');
    expect(fake.modelRequests).toHaveLength(0);
    expect(store.appended).toHaveLength(0);
  });
  it('an old call of a tool whose parameters changed: sent back verbatim, never run again', async () => {
    const old: Content = {
      role: 'model',
      parts: [{ functionCall: { name: 'weather', args: { town: 'Oslo', units: 'F' } } }],
    };
    const answered: Content = {
      role: 'user',
      parts: [{ functionResponse: { name: 'weather', response: { temp: 37 } } }],
    };
    const { fake, result, error } = await sendOnce([
      { contents: [user('Weather?'), old, answered, model('37 F in Oslo.')] },
    ]);
    expect(error, everything(error)).toBeUndefined();
    expect(result?.text).toBe('fine');
    const sent = fake.modelRequests[0]?.body as { contents: Content[] };
    expect(sent.contents[1]).toEqual(old);
    expect(fake.modelRequests).toHaveLength(1);
  });
  it('a turn held by a hand-off receiver the new version does not have: refused typed, naming the session, the agent and the fix, nothing sent or saved', async () => {
    const { fake, store, result, error } = await sendOnce([
      { contents: [user('Refund.'), model('Refund issued.')], agent: 'billing-v1' },
    ]);
    // leftovers53: the session's agent no longer takes the conversation over (another process of
    // a rolling deploy may still hold it with billing-v1); a durable chat refused it alike.
    expect(result).toBeUndefined();
    expect(UnknownHandoffAgentError.isInstance(error), everything(error)).toBe(true);
    expect((error as UnknownHandoffAgentError).sessionId).toBe('c1');
    expect((error as Error).message).toMatch(
      /"c1".*"billing-v1".*nothing was sent.*Declare it again/s,
    );
    expect(fake.modelRequests).toHaveLength(0);
    expect(store.appended).toHaveLength(0);
  });
});

describe('rows nobody checked', () => {
  it('a model turn first (a greeting the app stored): sent as stored and answered', async () => {
    const { fake, store, result, error } = await sendOnce([
      { contents: [model('Hello, I am the bot.')] },
      { contents: [user('hi'), model('hello')] },
    ]);
    expect(error, everything(error)).toBeUndefined();
    expect(result?.text).toBe('fine');
    const sent = fake.modelRequests[0]?.body as { contents: Content[] };
    expect(sent.contents[0]).toEqual(model('Hello, I am the bot.'));
    expect(store.appended).toHaveLength(1);
  });
  it('a 10 MB thought signature on an old call: sent verbatim and answered', async () => {
    const signature = 'A'.repeat(10 * 1024 * 1024);
    const old: Content = {
      role: 'model',
      parts: [
        { functionCall: { name: 'weather', args: { city: 'Oslo' } }, thoughtSignature: signature },
      ],
    };
    const answered: Content = {
      role: 'user',
      parts: [{ functionResponse: { name: 'weather', response: { celsius: 3 } } }],
    };
    const { fake, result, error } = await sendOnce([
      { contents: [user('Weather?'), old, answered, model('3 C.')] },
    ]);
    expect(error, everything(error)).toBeUndefined();
    expect(result?.text).toBe('fine');
    const sent = fake.modelRequests[0]?.body as { contents: Content[] };
    expect(sent.contents[1]?.parts[0]?.thoughtSignature).toHaveLength(signature.length);
  });
  it('a turn of 50 MB of text: sent once (the API’s token limit is its word), no hang, no crash', async () => {
    const { fake, store, result, error } = await sendOnce([
      { contents: [user(`${'x'.repeat(50 * 1024 * 1024)} ${KEY}`), model('ok')] },
    ]);
    expect(everything(error).length).toBeLessThan(200_000);
    expect(error).toBeUndefined();
    expect(result?.text).toBe('fine');
    expect(fake.modelRequests).toHaveLength(1);
    expect(store.appended).toHaveLength(1);
  }, 120_000);
});
