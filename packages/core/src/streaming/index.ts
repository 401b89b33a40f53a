// @gemloop/core/streaming: building one response out of a streamed call's chunks, as the agent
// does: an accumulator fed chunk by chunk, or a fold over a whole stream.

// The types this entry's functions return, so a library that exports what it makes names them here.
export type { GenerateContentResponse } from '../wire/response.ts';
export type { StreamAccumulator } from './create-stream-accumulator.ts';
export { createStreamAccumulator } from './create-stream-accumulator.ts';
export { foldStream } from './fold-stream.ts';
