// The response info the client hands to `onResponse`: part of its contract, so code above http/
// may read it (see .dependency-cruiser.mjs, core-http-contract).

import type { ResponseInfo } from './gemini.ts';
import type { TransportResponse } from './transport.ts';

/**
 * What `onResponse` is told: the `Headers` object is built only when read (the node transport
 * holds raw headers, and building a `Headers` on every response cost more than the rest of the
 * call's bookkeeping); {@link AttemptResponseInfo.header} reads one header without it.
 * @internal
 */
export class AttemptResponseInfo implements ResponseInfo {
  readonly status: number;
  readonly attempt: number;
  readonly #response: TransportResponse;

  constructor(response: TransportResponse, attempt: number) {
    this.status = response.status;
    this.attempt = attempt;
    this.#response = response;
  }

  get headers(): Headers {
    return this.#response.headers;
  }

  /** One header's value (names lower-case), or null. */
  header(name: string): string | null {
    return this.#response.header(name);
  }
}

/** One header of a response `onResponse` was told of, from a client or any other `Gemini`. */
export function responseHeader(info: ResponseInfo, name: string): string | null {
  return info instanceof AttemptResponseInfo ? info.header(name) : info.headers.get(name);
}
