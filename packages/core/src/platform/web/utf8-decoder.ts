import type { createUtf8Decoder as NodeCreateUtf8Decoder } from '../node/utf8-decoder.ts';

/**
 * TextDecoder in streaming mode: a multi-byte character split across reads is held back until its
 * last byte arrives. `ignoreBOM` keeps a leading byte-order mark, as Node's StringDecoder does, so
 * the caller drops it the same way on every runtime.
 * @internal
 */
export const createUtf8Decoder: typeof NodeCreateUtf8Decoder = () => {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  return {
    write: (bytes) => decoder.decode(bytes, { stream: true }),
    end: () => decoder.decode(),
  };
};
