import type * as OtelApi from '@opentelemetry/api';
import type { Attributes, Context, Histogram, Tracer } from '@opentelemetry/api';
import { GemloopError } from '../errors/gemloop-error.ts';
import type { Cost } from '../models/cost.ts';
import type { AgentUsage } from '../run/agent-result.ts';
import { version } from '../version.ts';
import { abortReason } from './abort-reason.ts';
import { addCost, addUsage, boundName } from './genai-span-attributes.ts';
import { observeOtelEvents } from './observe-otel-events.ts';
import { observeOtelModelCall } from './observe-otel-model-call.ts';
import { failSpan, type OtelRunContext, SPAN_KIND_INTERNAL, safeJson } from './otel-run-context.ts';
import type {
  ModelCallObservation,
  RunObservation,
  RunObserver,
  RunStartInfo,
  ToolCallObservation,
} from './run-observer.ts';
import type { SemconvDialect } from './semconv-dialect.ts';
import { toErrorType } from './to-error-type.ts';

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
      const run: OtelRunContext = {
        api,
        tracer,
        runSpan,
        runContext,
        common,
        latest,
        content,
        tokenUsage,
        duration,
        openCalls: new Map(),
      };

      return {
        modelCall(call): ModelCallObservation {
          return observeOtelModelCall(run, call, info.conversationId);
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
          if (content) attributes['gen_ai.tool.call.arguments'] = safeJson(args);
          const span = tracer.startSpan(
            `execute_tool ${name}`,
            { kind: SPAN_KIND_INTERNAL, attributes },
            runContext,
          );
          return {
            wrap: wrapIn(api.trace.setSpan(runContext, span)),
            end(record) {
              // An approval's modify: the start's arguments are the model's, not what ran. The
              // caller's, so anything (a BigInt id passed `z.any()`): a bare JSON.stringify threw
              // before the span ended, and the call that ran was missing (attack63a).
              if (record.modified === true) {
                span.setAttribute('gemloop.tool.call.modified', true);
                if (content)
                  span.setAttribute('gemloop.tool.call.modified_arguments', safeJson(record.args));
              }
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
        event: observeOtelEvents(run),

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
