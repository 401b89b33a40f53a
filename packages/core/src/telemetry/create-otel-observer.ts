import type * as OtelApi from '@opentelemetry/api';
import type { Attributes, Context, Histogram, Span, Tracer } from '@opentelemetry/api';
import { GemloopError } from '../errors/gemloop-error.ts';
import type { Cost } from '../models/cost.ts';
import type {
  CompactionEvent,
  ContinuationEvent,
  GuardrailEvent,
  HandoffEvent,
  PluginEvent,
  SteerEvent,
} from '../run/agent-event.ts';
import type { AgentUsage } from '../run/agent-result.ts';
import { redactLocalDetails } from '../shared/redact-secrets.ts';
import { version } from '../version.ts';
import type { UsageMetadata } from '../wire/response.ts';
import { abortReason } from './abort-reason.ts';
import {
  addCost,
  addRequestParameters,
  addResponse,
  addUsage,
  addUsageMetadata,
  boundName,
  inputTokens,
  outputTokens,
} from './genai-span-attributes.ts';
import type {
  ModelCallObservation,
  RunObservation,
  RunObserver,
  RunStartInfo,
  ToolCallObservation,
} from './run-observer.ts';
import type { SemconvDialect } from './semconv-dialect.ts';
import { toErrorType } from './to-error-type.ts';
import { toInputMessages, toOutputMessages, toSystemInstructions } from './to-semconv-messages.ts';

// SpanKind and SpanStatusCode values of @opentelemetry/api, stable since 1.0.
const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

// Loaded with this module, not with the agent: the root bundle names one chunk, not two.
export { reportObserverThrows } from './report-observer-throws.ts';

/** What {@link createOtelObserver} needs: the loaded API and the providers to use. @internal */
export type OtelObserverOptions = {
  api: typeof OtelApi;
  tracerProvider: OtelApi.TracerProvider;
  meterProvider: OtelApi.MeterProvider;
  recordContent: boolean;
  dialect: SemconvDialect;
};

/**
 * The OpenTelemetry observer: `invoke_agent` (INTERNAL) per run, `generate_content` (CLIENT) per
 * model call, `execute_tool` (INTERNAL) per function call, each retry an event on its call's
 * span, and the `gen_ai.client.token.usage` / `gen_ai.client.operation.duration` histograms, as
 * the GenAI semantic conventions v1.41.0 describe them (see {@link SemconvDialect}).
 * @internal
 */
export function createOtelObserver(options: OtelObserverOptions): RunObserver {
  const { api, recordContent, dialect } = options;
  const latest = dialect === 'latest';
  const content = recordContent && latest;
  const tracer: Tracer = options.tracerProvider.getTracer('@gemloop/core', version);
  const meter = options.meterProvider.getMeter('@gemloop/core', version);
  const tokenUsage: Histogram = meter.createHistogram('gen_ai.client.token.usage', {
    description: 'Number of input and output tokens used.',
    unit: '{token}',
    advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
  });
  const duration: Histogram = meter.createHistogram('gen_ai.client.operation.duration', {
    description: 'GenAI operation duration.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const providerKey = latest ? 'gen_ai.provider.name' : 'gen_ai.system';

  return {
    startRun(info: RunStartInfo): RunObservation {
      const server = toServer(info.baseUrl);
      const provider = server.host === 'aiplatform.googleapis.com' ? 'gcp.vertex_ai' : 'gcp.gemini';
      const common: Attributes = { [providerKey]: provider };
      if (server.host !== undefined) {
        common['server.address'] = server.host;
        common['server.port'] = server.port;
      }
      const runAttributes: Attributes = {
        'gen_ai.operation.name': 'invoke_agent',
        ...common,
        'gen_ai.request.model': info.model,
      };
      if (info.agentName !== undefined) runAttributes['gen_ai.agent.name'] = info.agentName;
      if (info.conversationId !== undefined)
        runAttributes['gen_ai.conversation.id'] = info.conversationId;
      const runSpan = tracer.startSpan(
        info.agentName === undefined ? 'invoke_agent' : `invoke_agent ${info.agentName}`,
        { kind: SPAN_KIND_INTERNAL, attributes: runAttributes },
        api.context.active(),
      );
      const runContext = api.trace.setSpan(api.context.active(), runSpan);
      const wrapIn =
        (context: Context) =>
        <T>(fn: () => T): T =>
          api.context.with(context, fn);

      // A long-decode answer's next request, a resumed stream or a restart (see
      // ContinuationHopEvent): one span for the whole step's answer, an event per hop, on the
      // model call under way for the step.
      const openCalls = new Map<number, Span>();
      const hopEvent = (event: ContinuationEvent): void => {
        openCalls.get(event.stepNumber)?.addEvent('gemloop.continuation', {
          'gemloop.continuation.kind': event.kind,
          'gemloop.continuation.hop': event.hop,
        });
      };
      // One span per compaction, under the run's, from its start to its end; its summarizer's
      // model call, when it made one, is a child span of it (a GenAI `generate_content` span).
      // gemloop.-prefixed: GenAI semconv has no compaction attributes.
      const compactionSpan = (report: CompactionEvent, at: number): void => {
        const trace = report.trace;
        const span = tracer.startSpan(
          'gemloop.compaction',
          {
            kind: SPAN_KIND_INTERNAL,
            startTime: trace?.startedAt ?? at,
            attributes: {
              'gemloop.compaction.step': report.stepNumber,
              'gemloop.compaction.reason': report.reason,
              'gemloop.compaction.tokens_before': report.tokensBefore,
              'gemloop.compaction.tokens_after': report.tokensAfter,
              'gemloop.compaction.cleared_tool_results': report.clearedToolResults,
              'gemloop.compaction.pruned_thoughts': report.prunedThoughts,
              'gemloop.compaction.summarized_contents': report.summarizedContents,
              'gemloop.compaction.replaced': report.replaced,
            },
          },
          runContext,
        );
        const call = trace?.summarizer;
        if (call !== undefined) {
          const summary = tracer.startSpan(
            `generate_content ${call.model}`,
            {
              kind: SPAN_KIND_CLIENT,
              startTime: call.startedAt,
              attributes: {
                'gen_ai.operation.name': 'generate_content',
                ...common,
                'gen_ai.request.model': call.model,
                'gemloop.compaction.summarizer': true,
              },
            },
            api.trace.setSpan(runContext, span),
          );
          // A billed model call like a step's: its cost on its span, its tokens and time in
          // the GenAI metrics, so the calls' spans and the metrics add up to the run's totals.
          const metricAttributes: Attributes = {
            'gen_ai.operation.name': 'generate_content',
            ...common,
            'gen_ai.request.model': call.model,
          };
          if (call.usage !== undefined) {
            addUsageMetadata(summary, call.usage, latest);
            tokenUsage.record(inputTokens(call.usage), {
              ...metricAttributes,
              'gen_ai.token.type': 'input',
            });
            tokenUsage.record(outputTokens(call.usage), {
              ...metricAttributes,
              'gen_ai.token.type': 'output',
            });
          }
          if (call.cost !== undefined) addCost(summary, call.cost);
          if (call.error !== undefined) {
            failSpan(summary, 'summarizer-failed', call.error);
            metricAttributes['error.type'] = 'summarizer-failed';
          }
          duration.record(Math.max(0, call.endedAt - call.startedAt) / 1000, metricAttributes);
          summary.end(call.endedAt);
        }
        span.end(at);
      };

      const guardrailSpan = (record: GuardrailEvent): void => {
        // One span per check, as OpenAI Agents JS gives each guardrail its own (`guardrail`
        // spans, packages/agents-core/src/tracing/createSpans.ts), timed by the check itself.
        const attributes: Attributes = {
          'gemloop.guardrail.name': record.name,
          'gemloop.guardrail.phase': record.phase,
          'gemloop.guardrail.verdict': record.verdict,
          'gemloop.guardrail.tripped': record.tripped,
        };
        if (record.toolName !== undefined) attributes['gen_ai.tool.name'] = record.toolName;
        if (record.toolCallId !== undefined) attributes['gen_ai.tool.call.id'] = record.toolCallId;
        if (record.parallel === true) attributes['gemloop.guardrail.parallel'] = true;
        const span = tracer.startSpan(
          `guardrail ${record.name}`,
          { kind: SPAN_KIND_INTERNAL, attributes, startTime: record.startedAt },
          runContext,
        );
        if (record.tripped) failSpan(span, 'guardrail_tripped', record.reason);
        span.end(record.endedAt);
      };

      // There is no step span (a step is a model call and its tool calls): a steer is an event
      // on the run span, naming the step whose request carries it. Its text is content, kept
      // only where message content is captured.
      const steerEvent = ({
        status,
        mode,
        stepNumber,
        content: steered,
        reason,
      }: SteerEvent): void => {
        const attributes: Attributes = {
          'gemloop.steer.status': status,
          'gemloop.steer.mode': mode,
          'gemloop.steer.step': stepNumber,
        };
        if (reason !== undefined) attributes['gemloop.steer.reason'] = reason;
        if (content) attributes['gemloop.steer.content'] = safeJson(steered.parts ?? []);
        runSpan.addEvent('gemloop.steer', attributes);
      };

      // What a plugin reported: an event on the run span, as a steer is. Its data is the
      // plugin's content, kept only where message content is captured.
      const pluginEvent = ({ plugin, kind, stepNumber, data }: PluginEvent): void => {
        const attributes: Attributes = {
          'gemloop.plugin.name': plugin,
          'gemloop.plugin.kind': kind,
          'gemloop.plugin.step': stepNumber,
        };
        if (content && data !== undefined)
          attributes['gemloop.plugin.data'] = safeJson(data).slice(0, MAX_PLUGIN_DATA_CHARS);
        runSpan.addEvent('gemloop.plugin', attributes);
      };

      // A handoff as a span of its own under the run's (the OpenAI Agents SDK traces one as a
      // `handoff` span, packages/agents-core/src/tracing/spans.ts; the GenAI conventions name no
      // operation for it, so only the agent attributes they define are set).
      const handoffSpan = ({ from, to, filter }: HandoffEvent, at: number): void => {
        const span = tracer.startSpan(
          `handoff ${to}`,
          {
            kind: SPAN_KIND_INTERNAL,
            attributes: {
              'gen_ai.agent.name': to,
              'gemloop.handoff.from': from,
              ...(filter === undefined ? {} : { 'gemloop.handoff.filter': filter }),
            },
            startTime: at,
          },
          runContext,
        );
        span.end(at);
      };

      return {
        modelCall({ stepNumber, request, streaming, startedAt }): ModelCallObservation {
          const model = request.model;
          const attributes: Attributes = {
            'gen_ai.operation.name': 'generate_content',
            ...common,
            'gen_ai.request.model': model,
          };
          if (info.conversationId !== undefined)
            attributes['gen_ai.conversation.id'] = info.conversationId;
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
            wrap: wrapIn(callContext),
            retry(event) {
              span.addEvent('gen_ai.client.retry', {
                'gemloop.retry.attempt': event.attempt,
                'gemloop.retry.delay_ms': event.delayMs,
                'gemloop.retry.server_delay': event.isServerDelay,
                'error.type': toErrorType(event.error),
              });
            },
            firstChunk(at) {
              if (latest)
                span.setAttribute('gen_ai.response.time_to_first_chunk', (at - startedAt) / 1000);
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
                  outcome.usage ??
                  (outcome.error as { partialUsage?: UsageMetadata } | null)?.partialUsage;
                if (usage !== undefined) addUsageMetadata(span, usage, latest);
                if (outcome.cost !== undefined) addCost(span, outcome.cost);
              } else {
                const response = outcome.response;
                addResponse(span, response, latest);
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
                  span.setAttribute(
                    'gen_ai.output.messages',
                    JSON.stringify(toOutputMessages(response)),
                  );
                usage = response.usageMetadata;
              }
              if (usage !== undefined) {
                tokenUsage.record(inputTokens(usage), {
                  ...metricAttributes,
                  'gen_ai.token.type': 'input',
                });
                tokenUsage.record(outputTokens(usage), {
                  ...metricAttributes,
                  'gen_ai.token.type': 'output',
                });
              }
              duration.record((performance.now() - started) / 1000, metricAttributes);
              span.end();
            },
          };
        },

        toolCall({ toolName, toolCallId, toolType, toolDescription, args }): ToolCallObservation {
          // The model's words: a call of a tool it was never given names anything, any length.
          const name = boundName(toolName);
          const attributes: Attributes = {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': name,
            'gen_ai.tool.call.id': boundName(toolCallId),
          };
          if (toolDescription !== undefined)
            attributes['gen_ai.tool.description'] = toolDescription;
          if (latest) attributes['gen_ai.tool.type'] = toolType;
          if (content) attributes['gen_ai.tool.call.arguments'] = JSON.stringify(args);
          const span = tracer.startSpan(
            `execute_tool ${name}`,
            { kind: SPAN_KIND_INTERNAL, attributes },
            runContext,
          );
          return {
            wrap: wrapIn(api.trace.setSpan(runContext, span)),
            end(record) {
              if (record.outcome === 'success') {
                if (content) {
                  span.setAttribute(
                    'gen_ai.tool.call.result',
                    safeJson(record.response.response ?? record.output),
                  );
                }
              } else {
                failSpan(span, record.outcome, record.error);
              }
              span.end();
            },
          };
        },

        stepEnd() {},

        // The run's facts beside its calls, read from its events.
        event(event, at) {
          switch (event.type) {
            case 'guardrail':
              return guardrailSpan(event);
            case 'steer':
              return steerEvent(event);
            case 'plugin':
              return pluginEvent(event);
            case 'handoff':
              return handoffSpan(event, at);
            case 'compaction':
              return compactionSpan(event, at);
            case 'continuation':
              return hopEvent(event);
            default:
              return undefined;
          }
        },

        end(outcome) {
          if ('error' in outcome) {
            failSpan(runSpan, toErrorType(outcome.error), outcome.error);
            // An aborted run says why, as the recorder does (`error.reason` of its run-end line):
            // the signal's reason, caller text, bounded. A gemloop attribute: OpenTelemetry's
            // `error.*` namespace is the semantic conventions' own (error.type only).
            const reason = abortReason(outcome.error);
            if (reason !== undefined) runSpan.setAttribute('gemloop.abort.reason', reason);
            // Which guardrail stopped it, as a guardrail's own span says: a plugin's `run.trip`
            // makes no guardrail span, so the run span is where a query for trips finds it.
            // (Read by its code: `GuardrailTrippedError` lives in the agent layer, above this one.)
            if (
              GemloopError.isInstance(outcome.error) &&
              outcome.error.code === 'guardrail-tripped'
            ) {
              const { guardrailName, phase } = outcome.error as {
                guardrailName?: unknown;
                phase?: unknown;
              };
              if (typeof guardrailName === 'string')
                runSpan.setAttribute('gemloop.guardrail.name', guardrailName);
              if (typeof phase === 'string') runSpan.setAttribute('gemloop.guardrail.phase', phase);
            }
            // The run's own spend when the loop gave it; else the error's run (a custom loop).
            const run =
              outcome.usage !== undefined
                ? outcome
                : (outcome.error as { run?: { usage?: AgentUsage; cost?: Cost } } | null)?.run;
            if (run?.usage !== undefined) addUsage(runSpan, run.usage, latest);
            if (run?.cost !== undefined) addCost(runSpan, run.cost);
          } else {
            const { result } = outcome;
            addUsage(runSpan, result.usage, latest);
            addCost(runSpan, result.cost);
            if (result.rawFinishReason !== undefined)
              runSpan.setAttribute('gen_ai.response.finish_reasons', [
                boundName(result.rawFinishReason),
              ]);
          }
          runSpan.end();
        },
      };
    },
  };
}

function toServer(baseUrl: string): { host: string | undefined; port: number } {
  try {
    const url = new URL(baseUrl);
    const port = url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port);
    return { host: url.hostname, port };
  } catch {
    return { host: undefined, port: 0 };
  }
}

/** A span's status message, cut past this many characters (a thrown message is unbounded). */
const MAX_STATUS_MESSAGE_CHARS = 1000;

function failSpan(span: Span, errorType: string, error: unknown): void {
  span.setAttribute('error.type', errorType);
  // A text is one gemloop made safe already (a tool call's message, a guardrail's reason). A
  // thrown error's message is often from code gemloop does not own (a plugin, a subagent's
  // driver): its URLs, addresses and credentials are taken out, as from a tool's (attack30).
  const message =
    typeof error === 'string'
      ? error
      : error instanceof Error
        ? redactLocalDetails(error.message.slice(0, MAX_STATUS_MESSAGE_CHARS)).replace(
            /[\ud800-\udbff]$/,
            '',
          )
        : undefined;
  span.setStatus(message === undefined ? { code: STATUS_ERROR } : { code: STATUS_ERROR, message });
}

/** A plugin's data on a span event, cut past this many characters (a plugin's data is unbounded). */
const MAX_PLUGIN_DATA_CHARS = 4000;

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '"[unserialisable]"';
  }
}
