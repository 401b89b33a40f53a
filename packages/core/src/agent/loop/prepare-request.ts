import type { Content } from '../../wire/content.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { ModelStepKind } from './next-step.ts';

/**
 * The request of one model step: the base request `createAgent` built for the step's kind (the
 * tool loop's, its streamed variant, or the final structured-output call's without tools) with
 * the contents to send; with a `cachedContent` (a plugin's, `ModelCallDraft.cachedContent`: the
 * `cache` option's), without the fields the cache holds, which the API refuses beside it. The
 * run's body cache goes to the client beside it, with the call (`ModelCallInput.bodyCache`),
 * never on the request.
 * @internal
 */
export function prepareRequest<Output>(
  config: AgentConfig<Output>,
  {
    kind,
    streaming,
    contents,
    cachedContent,
  }: {
    kind: ModelStepKind;
    streaming: boolean;
    contents: Content[];
    /** The cached content to send instead of the prefix it holds. */
    cachedContent?: string | undefined;
  },
): GenerateContentRequest {
  const base =
    kind === 'final-output'
      ? (config.finalOutputRequest ?? config.request)
      : streaming
        ? (config.streamRequest ?? config.request)
        : config.request;
  if (cachedContent === undefined) return { contents, ...base };
  const { systemInstruction: _s, tools: _t, toolConfig: _c, ...rest } = base;
  return { contents, ...rest, cachedContent };
}
