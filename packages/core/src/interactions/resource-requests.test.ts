import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { CheckContext } from '../http/attempts/check-responses.ts';
import {
  callOptionsOf,
  checkBody,
  checkResourceId,
  pageCheck,
  resourceCheck,
  toListQuery,
} from './resource-requests.ts';

// The pieces every request of the agents, environments, webhooks and triggers APIs is made of:
// an id that can only ever be one path segment, the list query in the API's own spelling, and
// the lenient checks of what comes back.

function refusal(action: () => unknown): InvalidArgumentError {
  try {
    action();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

const context = (text: string): CheckContext => ({
  text,
  status: 200,
  response: { headers: { 'content-type': 'application/json' } },
  attempt: 1,
  url: 'https://generativelanguage.googleapis.com/v1beta/agents',
  method: 'agents.list',
  redact: ['secret-key'],
});

describe('checkResourceId', () => {
  it('takes opaque ids of the URL-safe characters, up to 512', () => {
    for (const id of ['code-reviewer', 'a', 'v1.2_x~y-z', 'A'.repeat(512), 'trig.ger']) {
      expect(checkResourceId(id, 'id', 'a trigger')).toBe(id);
    }
  });

  it('refuses what would leave its path segment: slashes, queries, encodings, spaces', () => {
    for (const id of [
      'a/b',
      '../agents',
      'a?x=1',
      'a#f',
      '%2e%2e',
      'a b',
      '',
      'A'.repeat(513),
      'é',
    ]) {
      const error = refusal(() => checkResourceId(id, 'agentId', 'a managed agent'));
      expect(error.argument, id).toBe('agentId');
      expect(error.message).toContain('must be the id of a managed agent');
    }
  });

  it('refuses the dot segments, which a URL resolves to the parent or the collection itself', () => {
    // new URL('https://x/v1beta/agents/..') is https://x/v1beta/: delete('..') would send
    // DELETE /v1beta/, and get('.') would list the collection.
    for (const id of ['.', '..']) {
      expect(refusal(() => checkResourceId(id, 'id', 'a trigger')).argument, id).toBe('id');
    }
    // Not a dot segment: an id like any other.
    expect(checkResourceId('...', 'id', 'a trigger')).toBe('...');
  });

  it('names what it got, cutting a long string, and never throws on a value with no string form', () => {
    expect(
      refusal(() => checkResourceId(`${'x'.repeat(100)}/`, 'id', 'a trigger')).message,
    ).not.toContain('x'.repeat(70));
    expect(refusal(() => checkResourceId(42, 'id', 'a trigger')).message).toContain('got 42');
    refusal(() => checkResourceId(Object.create(null), 'id', 'a trigger'));
    refusal(() => checkResourceId(Symbol('id'), 'id', 'a trigger'));
  });
});

describe('checkBody', () => {
  it('passes a plain object as the same object, and refuses anything else with the example', () => {
    const body = { name: 'x' };
    expect(checkBody(body, 'request', "{ name: 'x' }")).toBe(body);
    for (const value of [null, undefined, 'x', 3, [body]]) {
      const error = refusal(() => checkBody(value, 'request', "{ schedule: '0 7 * * *' }"));
      expect(error.message).toBe("request must be an object, e.g. { schedule: '0 7 * * *' }.");
    }
  });
});

describe('toListQuery', () => {
  it('is empty with no options or no page fields', () => {
    expect(toListQuery(undefined)).toBe('');
    expect(toListQuery({})).toBe('');
    expect(toListQuery({ timeoutMs: 5 } as never)).toBe('');
  });

  it('writes page_size and page_token in the API spelling, the token escaped', () => {
    expect(toListQuery({ pageSize: 1 })).toBe('?page_size=1');
    expect(toListQuery({ pageSize: 1000, pageToken: 'a+b/c=&d' })).toBe(
      '?page_size=1000&page_token=a%2Bb%2Fc%3D%26d',
    );
  });

  it('refuses a page size outside 1 to 1000 or not whole, and an empty or non-string token', () => {
    for (const pageSize of [0, 1001, 2.5, Number.NaN, '10']) {
      expect(refusal(() => toListQuery({ pageSize } as never)).argument, String(pageSize)).toBe(
        'options.pageSize',
      );
    }
    for (const pageToken of ['', 7, null]) {
      expect(refusal(() => toListQuery({ pageToken } as never)).argument).toBe('options.pageToken');
    }
  });
});

describe('callOptionsOf', () => {
  it('keeps the call options and drops the page fields', () => {
    const signal = new AbortController().signal;
    expect(callOptionsOf({ pageSize: 5, pageToken: 't', signal, timeoutMs: 100 } as never)).toEqual(
      {
        signal,
        timeoutMs: 100,
      },
    );
    expect(callOptionsOf(undefined)).toBeUndefined();
  });
});

describe('resourceCheck', () => {
  const check = resourceCheck<{ id: string }>('a trigger');

  it('passes an object with a string id as it is, unknown fields kept', () => {
    const value = { id: 't1', status: 'active', brand_new: [1] };
    expect(check(value, context('{}'))).toBe(value);
  });

  it('refuses a body without a string id with an ApiCallError that scrubs secrets', () => {
    for (const value of [null, 'x', [], { id: 7 }, {}]) {
      let error: unknown;
      try {
        check(value, context('{"leak":"secret-key"}'));
      } catch (caught) {
        error = caught;
      }
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('not a trigger with an `id`');
      expect((error as Error).message).not.toContain('secret-key');
    }
  });
});

describe('pageCheck', () => {
  const check = pageCheck<{ triggers: unknown[]; next_page_token?: string }>('triggers');

  it('reads an absent list as an empty page and keeps the page token', () => {
    expect(check({}, context('{}'))).toEqual({ triggers: [] });
    expect(check({ triggers: [{ id: 'a' }], next_page_token: 'n' }, context('{}'))).toEqual({
      triggers: [{ id: 'a' }],
      next_page_token: 'n',
    });
  });

  it('refuses a page that is no object, or whose list is no array', () => {
    for (const value of [null, [], 'x', { triggers: {} }, { triggers: 'a' }]) {
      expect(() => check(value, context('x')), JSON.stringify(value)).toThrow(/list page/);
    }
  });
});
