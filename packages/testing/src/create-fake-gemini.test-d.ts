import type { HttpHandler } from 'msw';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createFakeGemini,
  type FakeGemini,
  type FakeScriptFunction,
  type FakeServerAddress,
  type FakeTurn,
  turn,
} from './index.ts';

describe('createFakeGemini types', () => {
  it('takes turns, functions, or a mix as the script', () => {
    expectTypeOf(turn.text('hi')).toEqualTypeOf<FakeTurn>();
    const script: FakeScriptFunction = (_request, context) => turn.text(String(context.callIndex));
    expectTypeOf(createFakeGemini({ script })).toEqualTypeOf<FakeGemini>();
    createFakeGemini({
      script: [turn.text('a'), (_request, context) => turn.text(String(context.callIndex))],
    });
    createFakeGemini({ script: async (request) => turn.text(request.model) });
    // @ts-expect-error a script entry must be a turn or a function
    createFakeGemini({ script: ['text'] });
  });

  it('returns an address, msw handlers, a fetch, and is async-disposable', () => {
    const fake = createFakeGemini();
    expectTypeOf(fake.listen()).resolves.toEqualTypeOf<FakeServerAddress>();
    expectTypeOf(fake.handlers()).toEqualTypeOf<HttpHandler[]>();
    expectTypeOf(fake.fetch).toEqualTypeOf<typeof globalThis.fetch>();
    expectTypeOf(fake[Symbol.asyncDispose]).returns.resolves.toBeVoid();
  });

  it('types faults by kind', () => {
    createFakeGemini({
      faults: [{ fault: { type: 'connection-reset', afterChunks: 2 }, on: [0, 1] }],
    });
    // @ts-expect-error latency needs its milliseconds
    createFakeGemini({ faults: [{ fault: { type: 'latency' } }] });
  });
});
