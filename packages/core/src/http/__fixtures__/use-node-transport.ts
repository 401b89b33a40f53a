import { vi } from 'vitest';

/**
 * Setup file of the `core-node-transport` test project: the client, fault and attack suites run a
 * second time with every client that has no injected fetch (and no `transport: 'fetch'`) on the
 * node transport, as `'auto'` would without msw (a test that puts a spy in place of fetch still
 * gets fetch). Its requests to the test file's msw handlers go through a local HTTP bridge
 * (msw intercepts fetch, not undici's request API); requests to 127.0.0.1 go to the real servers
 * of the tests as they are.
 */
vi.mock('../transport/select-transport.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../transport/select-transport.ts')>();
  const { createNodeTransport, loadUndici } = await import('../transport/create-node-transport.ts');
  const { createMswBridgeDispatcher } = await import('./create-msw-bridge-dispatcher.ts');
  const { currentTestHandlers, isMswOrNativeFetch } = await import('./test-server.ts');
  const native = globalThis.fetch;
  const node = createNodeTransport(await loadUndici(), {
    dispatcher: createMswBridgeDispatcher(currentTestHandlers),
  });
  return {
    ...original,
    selectTransport: (client: Parameters<typeof original.selectTransport>[0]) =>
      client.fetch !== undefined ||
      client.transport === 'fetch' ||
      !isMswOrNativeFetch(globalThis.fetch, native)
        ? original.selectTransport(client)
        : node,
  };
});
