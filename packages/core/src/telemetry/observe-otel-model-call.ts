import type { Attributes } from '@opentelemetry/api';
import type { UsageMetadata } from '../wire/response.ts';
import {
  addCost,
  addGrounding,
  addRequestParameters,
  addResponse,
  addUsageMetadata,
  boundName,
} from './genai-span-attributes.ts';
import {
  failSpan,
  type OtelRunContext,
  recordTokenUsage,
  SPAN_KIND_CLIENT,
} from './otel-run-context.ts';
import type { ModelCallInfo, ModelCallObservation } from './run-observer.ts';
import { toErrorType } from './to-error-type.ts';
import { toInputMessages, toOutputMessages, toSystemInstructions } from './to-semconv-messages.ts';

/**
 * A model call's `generate_content` (CLIENT) span under the run's: its request parameters (and
 * messages, where content is captured), each retry an event, the time to the first chunk, and at
 * its end the response or the error, its usage, cost and continuation, with the GenAI token and
 * duration metrics.
 * @internal
 */
export function observeOtelModelCall(
  run: OtelRunContext,
  { stepNumber, request, streaming, startedAt }: ModelCallInfo,
  conversationId: string | undefined,
): ModelCallObservation {
  const { api, tracer, runContext, common, latest, content, tokenUsage, duration, openCalls } = run;
  const model = request.model;
  const attributes: Attributes = {
    'gen_ai.operation.name': 'generate_content',
    ...common,
    'gen_ai.request.model': model,
  };
  if (conversationId !== undefined) attributes['gen_ai.conversation.id'] = conversationId;
  if (latest) attributes['gen_ai.request.stream'] = streaming;
  addRequestParameters(attributes, request.generationConfig);
  if (content) {
    attributes['gen_ai.input.messages'] = JSON.stringify(toInputMessages(request.contents));
    if (request.systemInstruction !== undefined) {
      attributes['gen_ai.system_instructions'] = JSON.stringify(
        toSystemInstructions(request.systemInstruction),
      );
    }
  }
  const span = tracer.startSpan(
    `generate_content ${model}`,
    { kind: SPAN_KIND_CLIENT, attributes },
    runContext,
  );
  const started = performance.now();
  const callContext = api.trace.setSpan(runContext, span);
  openCalls.set(stepNumber, span);
  return {
    wrap: (fn) => api.context.with(callContext, fn),
    retry(event) {
      span.addEvent('gen_ai.client.retry', {
        'gemloop.retry.attempt': event.attempt,
        'gemloop.retry.delay_ms': event.delayMs,
        'gemloop.retry.server_delay': event.isServerDelay,
        'error.type': toErrorType(event.error),
      });
    },
    firstChunk(at) {
      if (latest) span.setAttribute('gen_ai.response.time_to_first_chunk', (at - startedAt) / 1000);
    },
    end(outcome) {
      if (openCalls.get(stepNumber) === span) openCalls.delete(stepNumber);
      const metricAttributes: Attributes = {
        'gen_ai.operation.name': 'generate_content',
        ...common,
        'gen_ai.request.model': model,
      };
      let usage: UsageMetadata | undefined;
      if ('error' in outcome) {
        const errorType = toErrorType(outcome.error);
        failSpan(span, errorType, outcome.error);
        metricAttributes['error.type'] = errorType;
        // A stream cut or aborted after chunks that reported usage: those tokens were
        // billed. (An outcome without `usage`: from an observer caller older than it.)
        usage =
          outcome.usage ?? (outcome.error as { partialUsage?: UsageMetadata } | null)?.partialUsage;
        if (usage !== undefined) addUsageMetadata(span, usage, latest);
        if (outcome.cost !== undefined) addCost(span, outcome.cost);
      } else {
        const response = outcome.response;
        addResponse(span, response, latest);
        addGrounding(span, response, content);
        const continued = outcome.continuation;
        if (continued !== undefined) {
          span.setAttributes({
            'gemloop.continuation.hops': continued.hops.length,
            'gemloop.continuation.reconnects': continued.reconnects,
            'gemloop.continuation.restarted': continued.restarted,
          });
          if (continued.firstPromptTokenCount !== undefined) {
            span.setAttribute(
              'gemloop.continuation.first_prompt_tokens',
              continued.firstPromptTokenCount,
            );
          }
        }
        if (outcome.cost !== undefined) addCost(span, outcome.cost);
        if (response.modelVersion !== undefined)
          metricAttributes['gen_ai.response.model'] = boundName(response.modelVersion);
        if (content)
          span.setAttribute('gen_ai.output.messages', JSON.stringify(toOutputMessages(response)));
        usage = response.usageMetadata;
      }
      const seconds = (performance.now() - started) / 1000;
      // The span first: a meter whose `record` throws (a metrics SDK shut down) lost every model
      // call's span, a trace pipeline of its own (attack63a). The throw still reaches the
      // observer's guard, which says once that telemetry failed.
      span.end();
      if (usage !== undefined) recordTokenUsage(tokenUsage, usage, metricAttributes);
      duration.record(seconds, metricAttributes);
    },
  };
}
