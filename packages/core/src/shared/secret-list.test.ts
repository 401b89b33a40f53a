import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets.ts';
import { SecretList } from './secret-list.ts';

describe('SecretList', () => {
  it('is read live by a call view made before a secret is learned', () => {
    const client = new SecretList(['client-key-0123456789']);
    const call = client.withCall(['call-secret-0123']);
    // The secrets themselves, among their encoded forms (redact-secrets.forms.test.ts).
    const secrets = [
      'ya29.token-learned-later-0123456789',
      'client-key-0123456789',
      'call-secret-0123',
    ];
    const raw = (values: readonly string[]) => values.filter((value) => secrets.includes(value));
    expect(raw(call.values)).toEqual(['client-key-0123456789', 'call-secret-0123']);
    client.learn('ya29.token-learned-later-0123456789', 'token');
    expect(raw(call.values)).toEqual([
      'ya29.token-learned-later-0123456789',
      'client-key-0123456789',
      'call-secret-0123',
    ]);
    // Its encoded forms are learned with it.
    expect(redactSecrets(btoa('ya29.token-learned-later-0123456789'), call.values)).toMatch(
      /^\[redacted\].{0,3}$/,
    );
  });

  it('keeps the last 4 tokens and the last 32 call credentials, and a call its own for good', () => {
    const client = new SecretList([]);
    const first = client.withCall(['call-secret-first']);
    for (let index = 0; index < 40; index++) client.withCall([`call-secret-${1000 + index}`]);
    for (let index = 0; index < 6; index++) client.learn(`token-number-${index}`, 'token');
    const values = client.values;
    expect(values.filter((value) => value.startsWith('token-'))).toEqual([
      'token-number-2',
      'token-number-3',
      'token-number-4',
      'token-number-5',
    ]);
    expect(values.filter((value) => value.startsWith('call-'))).toHaveLength(32);
    expect(values).not.toContain('call-secret-first');
    // A flood of other calls' credentials never pushes out the current token, nor a call's own.
    expect(first.values).toContain('call-secret-first');
    expect(first.values).toContain('token-number-5');
  });

  it('keeps a secret learned again as the most recent of its source', () => {
    const client = new SecretList([]);
    for (let index = 0; index < 4; index++) client.learn(`token-number-${index}`, 'token');
    client.learn('token-number-0', 'token');
    client.learn('token-number-4', 'token');
    expect(client.values).toContain('token-number-0');
    expect(client.values).not.toContain('token-number-1');
  });

  it('ignores values shorter than the key rule minimum', () => {
    const client = new SecretList(['short']);
    client.learn('demo', 'call');
    expect(client.values).toEqual([]);
  });
});
