import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { fileSearch, googleMaps, googleSearch } from './built-in-tools.ts';
import { computerUse } from './computer-use.ts';
import { mcpServers } from './mcp-servers.ts';
import { enterpriseWebSearch } from './vertex-grounding-tools.ts';

// The built-in tools' options from a caller who got them wrong: each refused at the call with an
// InvalidArgumentError naming the option, never a TypeError, a silent empty value or a field the
// API refuses later with a 400 that names the request, not this call.

/** `[, second]`: a list with a hole at 0 (`every` skips holes). */
function withHole(second: string): string[] {
  const list: string[] = [];
  list[1] = second;
  return list;
}

function refusal(make: () => unknown): InvalidArgumentError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error('expected the options to be refused');
}

describe('googleSearch options from outside', () => {
  it('refuses a timeRangeFilter that is null, a string or a list (null threw a TypeError)', () => {
    for (const timeRangeFilter of [null, 'last week', ['2026-01-01T00:00:00Z'], 7]) {
      const error = refusal(() => googleSearch({ timeRangeFilter } as never));
      expect(error.argument).toBe('timeRangeFilter');
      expect(error.message).toMatch(/timeRangeFilter takes \{ startTime, endTime \}/);
    }
  });

  it('refuses excludeDomains that is no list of domains, naming the entry', () => {
    expect(refusal(() => googleSearch({ excludeDomains: 'a.com' as never })).message).toMatch(
      /googleSearch needs excludeDomains: a list of domains like "example.com", got "a.com"/,
    );
    const sparse = refusal(() => googleSearch({ excludeDomains: withHole('b.com') }));
    expect(sparse.argument).toBe('excludeDomains[0]');
    expect(sparse.message).toMatch(/\[0\] is missing/);
    const domains = ['a.com', 'b.com'];
    const tool = googleSearch({ excludeDomains: domains });
    domains.push('c.com');
    expect(tool.tool.googleSearch?.excludeDomains).toEqual(['a.com', 'b.com']);
    expect(googleSearch({ excludeDomains: [] }).tool.googleSearch?.excludeDomains).toEqual([]);
  });

  it('quotes a long wrong timestamp cut short, not whole', () => {
    const long = `x${'y'.repeat(100_000)}`;
    const error = refusal(() => googleSearch({ timeRangeFilter: { startTime: long } }));
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toContain('"xyyy');
  });
});

describe('fileSearch options from outside', () => {
  it('refuses a sparse store list instead of sending null as a store name', () => {
    const error = refusal(() =>
      fileSearch({ fileSearchStoreNames: withHole('fileSearchStores/a') }),
    );
    expect(error.argument).toBe('fileSearchStoreNames[0]');
    expect(error.message).toMatch(/non-empty list of store names/);
  });

  it('refuses a topK past int32 and a metadataFilter that is not a string', () => {
    const stores = ['fileSearchStores/a'];
    for (const topK of [1e300, 2 ** 31, Number.POSITIVE_INFINITY, 1.5]) {
      expect(refusal(() => fileSearch({ fileSearchStoreNames: stores, topK })).message).toMatch(
        /topK must be a positive integer up to 2147483647/,
      );
    }
    expect(
      fileSearch({ fileSearchStoreNames: stores, topK: 2 ** 31 - 1 }).tool.fileSearch?.topK,
    ).toBe(2 ** 31 - 1);
    const filter = refusal(() =>
      fileSearch({ fileSearchStoreNames: stores, metadataFilter: 5 as never }),
    );
    expect(filter.argument).toBe('metadataFilter');
    expect(filter.message).toMatch(/must be a string .*got 5/);
  });
});

describe('enterpriseWebSearch options from outside', () => {
  it('refuses a sparse excludeDomains and keeps its own copy of the list', () => {
    const error = refusal(() => enterpriseWebSearch({ excludeDomains: withHole('b.com') }));
    expect(error.argument).toBe('excludeDomains[0]');
    const domains = ['a.com'];
    const tool = enterpriseWebSearch({ excludeDomains: domains });
    domains.push('b.com');
    expect(tool.tool.enterpriseWebSearch?.excludeDomains).toEqual(['a.com']);
  });
});

describe('googleMaps options from outside', () => {
  it('refuses an enableWidget that is not a boolean', () => {
    const error = refusal(() => googleMaps({ enableWidget: 'yes' as never }));
    expect(error.argument).toBe('enableWidget');
    expect(googleMaps({ enableWidget: true }).tool.googleMaps).toEqual({ enableWidget: true });
  });
});

describe('computerUse options from outside', () => {
  const execute = () => ({ url: 'https://example.com' });

  it('refuses a string of safety policies instead of sending its letters as policies', () => {
    const error = refusal(() =>
      computerUse({ execute, disabledSafetyPolicies: 'FINANCIAL_TRANSACTIONS' as never }),
    );
    expect(error.argument).toBe('disabledSafetyPolicies');
    expect(error.message).toMatch(/a list of safety policies like "FINANCIAL_TRANSACTIONS"/);
    const policies = ['FINANCIAL_TRANSACTIONS'];
    const tool = computerUse({ execute, disabledSafetyPolicies: policies });
    policies.push('COMMUNICATION_TOOL');
    expect(tool.tool.computerUse?.disabledSafetyPolicies).toEqual(['FINANCIAL_TRANSACTIONS']);
  });

  it('refuses a sparse excluded list instead of sending null as an action', () => {
    const error = refusal(() =>
      computerUse({ execute, excludedPredefinedFunctions: withHole('drag_and_drop') }),
    );
    expect(error.argument).toBe('excludedPredefinedFunctions[0]');
    expect(error.message).toMatch(/\[0\] is missing/);
  });

  it('refuses an environment, a detection switch and a time limit the API or the agent cannot use', () => {
    expect(refusal(() => computerUse({ execute, environment: 5 as never })).argument).toBe(
      'environment',
    );
    expect(
      refusal(() => computerUse({ execute, enablePromptInjectionDetection: 'yes' as never }))
        .argument,
    ).toBe('enablePromptInjectionDetection');
    for (const timeoutMs of [-5, 0, Number.NaN, '100' as never]) {
      expect(refusal(() => computerUse({ execute, timeoutMs })).message).toMatch(
        /timeoutMs must be a positive number of milliseconds/,
      );
    }
    const tool = computerUse({
      execute,
      environment: 'ENVIRONMENT_DESKTOP',
      enablePromptInjectionDetection: true,
      timeoutMs: 5_000,
    });
    expect(tool.tool.computerUse).toEqual({
      environment: 'ENVIRONMENT_DESKTOP',
      enablePromptInjectionDetection: true,
    });
    expect(tool.handlers[0]?.timeoutMs).toBe(5_000);
  });
});

describe('mcpServers from outside', () => {
  const server = { name: 'weather', url: 'https://weather.example/mcp' };

  it('refuses a sparse server list instead of sending null as a server', () => {
    const list: (typeof server)[] = [];
    list[1] = server;
    const error = refusal(() => mcpServers(list));
    expect(error.argument).toBe('servers[0]');
  });

  it('refuses headers Gemini could not send on, never quoting a value', () => {
    const secret = 'Bearer sk-very-secret';
    for (const headers of [
      { Authorization: `${secret}\r\nX-Injected: 1` },
      { Authorization: `${secret}\u0000` },
      { 'Bad Name': 'x' },
      ['Bearer x'],
    ]) {
      const error = refusal(() => mcpServers({ ...server, headers: headers as never }));
      expect(error.argument).toBe('server.headers');
      expect(error.message).not.toContain('very-secret');
    }
    const headers = { Authorization: secret };
    const tool = mcpServers({ ...server, headers });
    headers.Authorization = 'changed';
    expect(tool.tool.mcpServers?.[0]?.streamableHttpTransport?.headers).toEqual({
      Authorization: secret,
    });
  });

  it('quotes a long duplicate name cut short', () => {
    const name = 'n'.repeat(100_000);
    const error = refusal(() =>
      mcpServers([
        { ...server, name },
        { ...server, name },
      ]),
    );
    expect(error.message.length).toBeLessThan(300);
  });
});
