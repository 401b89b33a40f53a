import type { ModelCallRecord } from '../http/model-call-entry.ts';
import type { StreamAccumulator } from '../streaming/create-stream-accumulator.ts';
import type { FinishReason, GenerateContentResponse, UsageMetadata } from '../wire/response.ts';

/**
 * What the first hop of a streamed call had read when its first token came (see
 * `continueStream`): the stream, still open, and what was folded and shown of it.
 * @internal
 */
export type StartedHop = {
  iterator: AsyncIterator<GenerateContentResponse>;
  record: ModelCallRecord;
  accumulator: StreamAccumulator;
  received: number;
  usage: UsageMetadata | undefined;
  finishReason: FinishReason | undefined;
  /** The token of a checkpoint (a chunk without a finish reason): where a drop resumes. */
  token: string | undefined;
  /** The token of the hop's last chunk (`CONTINUATION`): where the next hop starts. */
  endToken: string | undefined;
};
