import { setupServer } from 'msw/node';
import { describe, expect, it, vi } from 'vitest';
import { isEnvProxyOn, isNodesOwnFetchSource } from './select-node-transport.ts';

const sourceOf = (fetch: unknown): string => Function.prototype.toString.call(fetch);

// The fetch gemloop sees when it loads decides the transport of 'auto': only Node's own may be
// passed by for undici, since a mock installed before gemloop loaded is never seen replacing it.
describe('isNodesOwnFetchSource', () => {
  it("knows Node's own fetch", () => {
    expect(isNodesOwnFetchSource(sourceOf(globalThis.fetch))).toBe(true);
  });

  it("refuses msw's interceptor, whose comments name undici", () => {
    const server = setupServer();
    server.listen({ onUnhandledRequest: 'error' });
    let patched: string;
    try {
      patched = sourceOf(globalThis.fetch);
    } finally {
      server.close();
    }
    expect(patched).toContain('undici');
    expect(isNodesOwnFetchSource(patched)).toBe(false);
  });

  it('refuses a Proxy over fetch (it reads [native code]), a spy and a wrapper', () => {
    const proxy = new Proxy(globalThis.fetch, {});
    expect(sourceOf(proxy)).toContain('[native code]');
    expect(isNodesOwnFetchSource(sourceOf(proxy))).toBe(false);
    expect(isNodesOwnFetchSource(sourceOf(vi.fn(globalThis.fetch)))).toBe(false);
    const wrapper = (input: string, init?: RequestInit) => globalThis.fetch(input, init);
    expect(isNodesOwnFetchSource(sourceOf(wrapper))).toBe(false);
    // Spelled as Node's, but not Node's: a function that merely mentions fetchImpl elsewhere.
    expect(isNodesOwnFetchSource('async (input) => { /* fetchImpl undici */ }')).toBe(false);
  });
});

// Node's env proxy as Node 24.22 decides it (each case seen there against a CONNECT proxy,
// node-runtimes): `NODE_USE_ENV_PROXY=1` alone, or `--use-env-proxy` in NODE_OPTIONS or on the
// command line, where a flag wins over the variable and the command line over NODE_OPTIONS.
describe('isEnvProxyOn', () => {
  it('is on for NODE_USE_ENV_PROXY=1, and for no other value of it', () => {
    expect(isEnvProxyOn({})).toBe(false);
    expect(isEnvProxyOn({ env: { NODE_USE_ENV_PROXY: '1' } })).toBe(true);
    for (const value of ['0', 'true', '', ' 1']) {
      expect(isEnvProxyOn({ env: { NODE_USE_ENV_PROXY: value } }), value).toBe(false);
    }
  });

  it('is on for --use-env-proxy on the command line, which the variable alone missed', () => {
    expect(isEnvProxyOn({ execArgv: ['--use-env-proxy'] })).toBe(true);
    expect(isEnvProxyOn({ execArgv: ['--expose-gc', '--use-env-proxy', '--trace-warnings'] })).toBe(
      true,
    );
  });

  it('reads NODE_OPTIONS flag by flag', () => {
    expect(
      isEnvProxyOn({ env: { NODE_OPTIONS: '--max-old-space-size=512 --use-env-proxy' } }),
    ).toBe(true);
    // Not the flag: a word that starts like it.
    expect(isEnvProxyOn({ env: { NODE_OPTIONS: '--use-env-proxy-later' } })).toBe(false);
  });

  it('takes the last flag, the command line after NODE_OPTIONS, over the variable', () => {
    expect(
      isEnvProxyOn({ env: { NODE_USE_ENV_PROXY: '1' }, execArgv: ['--no-use-env-proxy'] }),
    ).toBe(false);
    expect(
      isEnvProxyOn({ env: { NODE_OPTIONS: '--use-env-proxy' }, execArgv: ['--no-use-env-proxy'] }),
    ).toBe(false);
    expect(
      isEnvProxyOn({ env: { NODE_OPTIONS: '--no-use-env-proxy' }, execArgv: ['--use-env-proxy'] }),
    ).toBe(true);
    expect(isEnvProxyOn({ execArgv: ['--use-env-proxy', '--no-use-env-proxy'] })).toBe(false);
  });
});
