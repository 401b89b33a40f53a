import type { loadMsw as NodeLoadMsw } from '../node/load-msw.ts';

/**
 * Off Node there is no synchronous way to load an optional peer: `fake.handlers()` is Node-only.
 * @internal
 */
export const loadMsw: typeof NodeLoadMsw = () => {
  throw new Error(
    'fake.handlers() works on Node only (it loads msw synchronously). On this runtime pass ' +
      'fake.fetch to the client (createGemini({ fetch: fake.fetch })), or wrap it in your own msw ' +
      'handler: http.all(url, ({ request }) => fake.fetch(request)).',
  );
};
