import { createRequire } from 'node:module';

/**
 * msw, an optional peer dependency, loaded synchronously on the first `fake.handlers()` call, so
 * `createFakeGemini` and its HTTP server never need it.
 * @internal
 */
export function loadMsw(): typeof import('msw') {
  try {
    return createRequire(import.meta.url)('msw') as typeof import('msw');
  } catch (error) {
    throw new Error(
      'fake.handlers() needs msw (an optional peer dependency of @gemloop/testing): npm install -D msw. ' +
        'Without msw, use fake.listen() (a real HTTP server) or fake.fetch.',
      { cause: error },
    );
  }
}
