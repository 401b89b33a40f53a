import { afterEach, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../serve/listen-on-loopback.ts';
import { createFakeLive, type FakeLive } from './create-fake-live.ts';
import { createFakeAuthTokens } from './fake-auth-tokens.ts';

// The fake's ephemeral-token endpoint, `POST /v1alpha/auth_tokens`, against CreateAuthTokenConfig
// in @google/genai src/types.ts: expireTime "defaults to 30 minutes in the future",
// newSessionExpireTime "defaults to 60 seconds in the future", both "must be less than 20 hours in
// the future"; uses "Default is 1 ... zero then no limit ... Resuming a Live API session does not
// count as a use".

/** The fields these tests read of a minted token or an error. */
type TokenAnswer = {
  name: string;
  expireTime?: string;
  newSessionExpireTime?: string;
  error: { code: number; status: string; message: string };
};

const NOW = Date.parse('2026-11-25T12:00:00Z');
let fake: FakeLive | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function mint(
  body: string,
  init: { key?: string | null; path?: string; method?: string } = {},
) {
  fake ??= await createFakeLive({ script: [], apiKey: 'k', now: () => NOW });
  const { key = 'k', path = '/v1alpha/auth_tokens', method = 'POST' } = init;
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: key === null ? {} : { 'x-goog-api-key': key },
    ...(method === 'GET' ? {} : { body }),
  });
  return { status: response.status, json: (await response.json()) as TokenAnswer };
}

describe('the fake auth_tokens endpoint', () => {
  it('answers only POST /v1alpha/auth_tokens, and only with the key', async () => {
    expect((await mint('{}', { method: 'GET' })).status).toBe(404);
    expect((await mint('{}', { path: '/v1beta/auth_tokens' })).status).toBe(404);
    const noKey = await mint('{}', { key: null });
    expect(noKey.status).toBe(401);
    expect(noKey.json['error']).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect((await mint('{}', { key: 'other' })).status).toBe(401);
    expect(fake?.authTokens.size).toBe(0);
  });

  it('mints with the documented defaults: 30 minutes, 60 seconds for new sessions, one use', async () => {
    const minted = await mint('');
    expect(minted.json).toEqual({
      name: 'auth_tokens/fake-1',
      expireTime: '2026-11-25T12:30:00.000Z',
      newSessionExpireTime: '2026-11-25T12:01:00.000Z',
    });
    expect(fake?.authTokens.get('auth_tokens/fake-1')?.uses).toBe(1);
  });

  it('reads null as unset (proto3 JSON): a null uses is one use, never the unlimited 0', async () => {
    const minted = await mint(
      JSON.stringify({ uses: null, expireTime: null, newSessionExpireTime: null }),
    );
    expect(minted.status).toBe(200);
    expect(minted.json['expireTime']).toBe('2026-11-25T12:30:00.000Z');
    expect(fake?.authTokens.get(minted.json['name'])?.uses).toBe(1);
  });

  it.each([
    ['a body that is not JSON', '{"uses":', 'Invalid JSON payload received.'],
    ['an expireTime that is no timestamp', '{"expireTime":"soon"}', 'must be RFC 3339 timestamps'],
    [
      'an expireTime given as a number',
      '{"expireTime":1764072000000}',
      'must be RFC 3339 timestamps',
    ],
    ['an expireTime 20 hours ahead', '{"expireTime":"2026-11-26T08:00:00Z"}', 'less than 20 hours'],
    [
      'a newSessionExpireTime 21 hours ahead',
      '{"newSessionExpireTime":"2026-11-26T09:00:00Z"}',
      'less than 20 hours',
    ],
    ['negative uses', '{"uses":-1}', 'uses must be a non-negative integer.'],
    ['fractional uses', '{"uses":1.5}', 'uses must be a non-negative integer.'],
    ['uses as a word', '{"uses":"two"}', 'uses must be a non-negative integer.'],
    ['uses as a boolean', '{"uses":true}', 'uses must be a non-negative integer.'],
  ])('refuses %s with a 400 and mints nothing', async (_, body, message) => {
    const refused = await mint(body);
    expect(refused.status).toBe(400);
    expect(refused.json['error']).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(refused.json['error'].message).toContain(message);
    expect(fake?.authTokens.size).toBe(0);
  });

  it('takes uses as a numeric string, as proto3 JSON reads an int32', async () => {
    const minted = await mint('{"uses":"3"}');
    expect(fake?.authTokens.get(minted.json['name'])?.uses).toBe(3);
  });

  it('refuses a body past 1 MiB without minting', async () => {
    const refused = await mint(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
    expect(refused.status).toBe(400);
    expect(refused.json['error'].message).toBe('Request body too large.');
    expect(fake?.authTokens.size).toBe(0);
  });
});

describe('createFakeAuthTokens().use', () => {
  /** A token store with one token minted through its own handler at `start`, on a movable clock. */
  async function tokenStore(body: Record<string, unknown>) {
    let clock = NOW;
    const tokens = createFakeAuthTokens({ apiKey: undefined, now: () => clock });
    await using server = await listenOnLoopback(
      (request, response) => void tokens.handle(request, response),
    );
    const response = await fetch(`${server.url}/v1alpha/auth_tokens?key=any`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    const { name } = (await response.json()) as { name: string };
    return { tokens, name, advance: (ms: number) => (clock += ms) };
  }

  it('starts as many sessions as uses allow, zero meaning no limit; resuming is free', async () => {
    const one = await tokenStore({});
    expect(one.tokens.use(one.name, false)).toBeUndefined();
    expect(one.tokens.use(one.name, false)).toBe('the ephemeral token has no uses left');
    expect(one.tokens.use(one.name, true)).toBeUndefined();
    const unlimited = await tokenStore({ uses: 0 });
    for (let session = 0; session < 5; session++) {
      expect(unlimited.tokens.use(unlimited.name, false)).toBeUndefined();
    }
  });

  it('stops new sessions at newSessionExpireTime, and every session at expireTime', async () => {
    const store = await tokenStore({ uses: 0 });
    store.advance(60_000);
    expect(store.tokens.use(store.name, false)).toBe(
      'the token no longer starts new sessions (newSessionExpireTime)',
    );
    expect(store.tokens.use(store.name, true)).toBeUndefined();
    store.advance(29 * 60_000);
    expect(store.tokens.use(store.name, true)).toBe('the ephemeral token expired');
    expect(store.tokens.use('auth_tokens/forged', true)).toBe('unknown ephemeral token');
  });
});
