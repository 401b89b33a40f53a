import type { Content } from '../../wire/content.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { type PromptCache, withPromptCache } from '../prompt-cache.ts';
import type { ModelStepKind } from './next-step.ts';

/**
 * The request of one model step: the base request `createAgent` built for the step's kind (the
 * tool loop's, its streamed variant, or the final structured-output call's without tools) with
 * the history so far, through the prompt cache when there is one. The run's body cache goes to
 * the client beside it, with the call (`ModelCallInput.bodyCache`), never on the request.
 * @internal
 */
export function prepareRequest<Output>(
  config: AgentConfig<Output>,
  {
    kind,
    streaming,
    contents,
    cache,
    cacheName,
  }: {
    kind: ModelStepKind;
    streaming: boolean;
    contents: Content[];
    cache: PromptCache | undefined;
    /** The cached content to send instead of the prefix it holds. */
    cacheName: string | undefined;
  },
): GenerateContentRequest {
  const base =
    kind === 'final-output'
      ? (config.finalOutputRequest ?? config.request)
      : streaming
        ? (config.streamRequest ?? config.request)
        : config.request;
  return withPromptCache(base, contents, cache, cacheName);
}
