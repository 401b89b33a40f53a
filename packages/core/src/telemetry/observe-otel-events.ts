import type { Attributes } from '@opentelemetry/api';
import type {
  AgentEvent,
  CompactionEvent,
  ContinuationEvent,
  GuardrailEvent,
  HandoffEvent,
  PluginEvent,
  SteerEvent,
} from '../run/agent-event.ts';
import { cutText } from '../shared/cut-text.ts';
import { addCost, addUsageMetadata } from './genai-span-attributes.ts';
import {
  failSpan,
  type OtelRunContext,
  recordTokenUsage,
  SPAN_KIND_CLIENT,
  SPAN_KIND_INTERNAL,
  safeJson,
} from './otel-run-context.ts';

/** A plugin's data on a span event, cut past this many characters (a plugin's data is unbounded). */
const MAX_PLUGIN_DATA_CHARS = 4000;

/**
 * The run's facts beside its calls, read from its events: a span per guardrail check, compaction
 * (with its summarizer's model call) and handoff, an event on the run span per steer and plugin
 * report, an event on the step's model call per continuation hop.
 * @internal
 */
export function observeOtelEvents(
  run: OtelRunContext,
): (event: AgentEvent<unknown>, at: number) => void {
  const { tracer, runContext, common, latest, content } = run;
  // A long-decode answer's next request, a resumed stream or a restart (see
  // ContinuationHopEvent): one span for the whole step's answer, an event per hop, on the
  // model call under way for the step.
  const hopEvent = (event: ContinuationEvent): void => {
    run.openCalls.get(event.stepNumber)?.addEvent('gemloop.continuation', {
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
        run.api.trace.setSpan(runContext, span),
      );
      // A billed model call like a step's: its cost on its span, its tokens and time in
      // the GenAI metrics, so the calls' spans and the metrics add up to the run's totals.
      const metricAttributes: Attributes = {
        'gen_ai.operation.name': 'generate_content',
        ...common,
        'gen_ai.request.model': call.model,
      };
      if (call.usage !== undefined) addUsageMetadata(summary, call.usage, latest);
      if (call.cost !== undefined) addCost(summary, call.cost);
      if (call.error !== undefined) {
        failSpan(summary, 'summarizer-failed', call.error);
        metricAttributes['error.type'] = 'summarizer-failed';
      }
      // The spans end before the metrics are recorded: a meter that throws costs no span.
      summary.end(call.endedAt);
      span.end(at);
      if (call.usage !== undefined) recordTokenUsage(run.tokenUsage, call.usage, metricAttributes);
      run.duration.record(Math.max(0, call.endedAt - call.startedAt) / 1000, metricAttributes);
      return;
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
  const steerEvent = ({ status, mode, stepNumber, content: steered, reason }: SteerEvent): void => {
    const attributes: Attributes = {
      'gemloop.steer.status': status,
      'gemloop.steer.mode': mode,
      'gemloop.steer.step': stepNumber,
    };
    if (reason !== undefined) attributes['gemloop.steer.reason'] = reason;
    if (content) attributes['gemloop.steer.content'] = safeJson(steered.parts ?? []);
    run.runSpan.addEvent('gemloop.steer', attributes);
  };

  // What a plugin reported: an event on the run span, as a steer is. Its data is the
  // plugin's content, kept only where message content is captured.
  const pluginEvent = ({ plugin, kind, stepNumber, data }: PluginEvent): void => {
    const attributes: Attributes = {
      'gemloop.plugin.name': plugin,
      'gemloop.plugin.kind': kind,
      'gemloop.plugin.step': stepNumber,
    };
    // Cut with `cutText`, never inside an emoji: half a pair is no UTF-8, and an OTLP/protobuf
    // exporter's batch holding it is refused whole by a collector (attack63a).
    if (content && data !== undefined)
      attributes['gemloop.plugin.data'] = cutText(safeJson(data), MAX_PLUGIN_DATA_CHARS);
    run.runSpan.addEvent('gemloop.plugin', attributes);
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

  return (event, at) => {
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
  };
}
