import { describe, expect, it } from 'vitest';
import { InsufficientScopeError } from './insufficient-scope-error.ts';
import { scopeRefusal } from './scope-refusal.ts';

// The 403 a door answers when `authorize` says the token lacks a scope: the door's own body, and
// RFC 6750's challenge naming the scopes, whatever the app put in them.

describe('scopeRefusal', () => {
  it('answers 403 with the door`s body and a challenge naming the scopes needed', async () => {
    const error = new InsufficientScopeError({ scopes: ['orders:read', 'orders:write'] });
    const response = scopeRefusal(error, { error: { code: 'insufficient_scope' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="orders:read orders:write"',
    );
    expect(await response.json()).toEqual({ error: { code: 'insufficient_scope' } });
  });

  it('leaves out of the header a scope that could break it (a quote, a space, a line break)', () => {
    const error = new InsufficientScopeError({
      scopes: ['ok', 'bad"scope', 'two words', 'line\r\nX-Injected: 1'],
    });
    const header = scopeRefusal(error, {}).headers.get('www-authenticate') ?? '';
    expect(header).toBe('Bearer error="insufficient_scope", scope="ok"');
  });

  it('uses the protected resource`s challenge, naming its metadata, when the door has one', () => {
    const error = new InsufficientScopeError({ scopes: ['a'] });
    const resource = {
      insufficientScope: (scopes: readonly string[]) =>
        `Bearer scope="${scopes.join(' ')}", resource_metadata="https://x.example/m"`,
    };
    expect(scopeRefusal(error, {}, resource as never).headers.get('www-authenticate')).toBe(
      'Bearer scope="a", resource_metadata="https://x.example/m"',
    );
  });
});

describe('InsufficientScopeError', () => {
  it('keeps a copy of the scopes and is recognised across copies of the package', () => {
    const scopes = ['a'];
    const error = new InsufficientScopeError({ scopes });
    scopes.push('b');
    expect(error.scopes).toEqual(['a']);
    expect(error.message).toBe('The token lacks a scope this request needs: ask for a.');
    expect(InsufficientScopeError.isInstance(error)).toBe(true);
    expect(InsufficientScopeError.isInstance(new Error('x'))).toBe(false);
  });
});
