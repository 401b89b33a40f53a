import type { FakeReply, FakeState } from './fake-state.ts';

/** The parsed route of a request. @internal */
export type FakeRoute = {
  apiVersion: string;
  model: string | undefined;
  method: string;
  stream: boolean;
  alt: string | undefined;
  query: URLSearchParams;
};

/** A JSON reply; errors on the stream endpoints take the stream's error form. @internal */
export function jsonReply(
  state: FakeState,
  error: { status: number; body: unknown },
  style: 'json' | 'sse' | 'array' = 'json',
): FakeReply {
  const payload = style === 'array' ? [error.body] : error.body;
  const text = state.prettyJson ? JSON.stringify(payload, null, 2) : JSON.stringify(payload);
  return {
    status: error.status,
    headers: {
      'content-type': style === 'sse' ? 'text/event-stream' : 'application/json; charset=UTF-8',
    },
    delayMs: state.options.latencyMs ?? 0,
    chunkDelayMs: 0,
    pieces: [text],
    end: 'normal',
  };
}
