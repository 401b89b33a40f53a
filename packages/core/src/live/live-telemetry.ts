import type * as OtelApi from '@opentelemetry/api';
import { boundName } from '../telemetry/genai-span-attributes.ts';
import type { OtelTracerProvider } from '../telemetry/otel-provider-types.ts';
import type { LiveEvent } from './live-event.ts';

/** What a live session reports to its spans. @internal */
export type LiveTelemetry = {
  /** Every event the session makes, in order. */
  event(event: LiveEvent): void;
  /** The session ended: by `close()` (no error) or with the error its events ended with. */
  end(error: unknown): void;
};

// SpanKind and SpanStatusCode values of @opentelemetry/api, stable since 1.0.
const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

/**
 * OpenTelemetry spans of a live session, in the GenAI semantic conventions' names (v1.41.0, as
 * the agent's spans: see `create-otel-observer.ts`): `invoke_agent` (INTERNAL) for the session,
 * `generate_content <model>` (CLIENT) for each model turn under it, from its first output to
 * `turnComplete` or an interruption, with its usage (`gen_ai.usage.*`) and cost
 * (`gemloop.cost.usd`), and `execute_tool <name>` (INTERNAL) for each tool call, from the call to
 * its result (a background call outlives its turn, so tools hang under the session, not the
 * turn), marked `gemloop.tool.call.modified` when an approval's `modify` changed what ran.
 * Reconnections and interruptions are events on the session span (`gemloop.live.reconnect`,
 * `gemloop.live.interrupted`). No content is recorded: no text, transcript, audio, tool arguments
 * or results (they may hold personal data and secrets), and never the URL (it holds the key).
 * @internal
 */
export function createLiveTelemetry({
  api,
  tracerProvider,
  model,
  agentName,
  serverAddress,
  redact = (text) => text,
}: {
  api: typeof OtelApi;
  tracerProvider: OtelTracerProvider;
  model: string;
  agentName: string | undefined;
  serverAddress: string | undefined;
  /**
   * Removes the client's keys from what the server or the model names (a tool name no tool has, a
   * call id, a finish or reconnect reason, an error's reason): the model may write the key there
   * (key-leaks3). Content is never recorded at all.
   */
  redact?: ((text: string) => string) | undefined;
}): LiveTelemetry {
  const tracer = (tracerProvider as OtelApi.TracerProvider).getTracer('@gemloop/core');
  const common: OtelApi.Attributes = { 'gen_ai.provider.name': 'gcp.gemini' };
  if (serverAddress !== undefined) common['server.address'] = serverAddress;
  const sessionAttributes: OtelApi.Attributes = {
    ...common,
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.request.model': model,
    'gemloop.live': true,
  };
  if (agentName !== undefined) sessionAttributes['gen_ai.agent.name'] = agentName;
  const session = tracer.startSpan(
    agentName === undefined ? 'invoke_agent' : `invoke_agent ${agentName}`,
    { kind: SPAN_KIND_INTERNAL, attributes: sessionAttributes },
  );
  const sessionContext = api.trace.setSpan(api.context.active(), session);
  const tools = new Map<string, OtelApi.Span>();
  /** Calls refused as duplicates of a running call's id, whose tool-error is theirs, not its. */
  const duplicates = new Map<string, number>();
  let turn: OtelApi.Span | undefined;
  let turnNumber = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let cost: number | undefined = 0;
  let costUnknown: string | undefined;

  const startTurn = (): OtelApi.Span => {
    if (turn !== undefined) return turn;
    turnNumber += 1;
    inputTokens = 0;
    outputTokens = 0;
    cost = 0;
    costUnknown = undefined;
    turn = tracer.startSpan(
      `generate_content ${model}`,
      {
        kind: SPAN_KIND_CLIENT,
        attributes: {
          ...common,
          'gen_ai.operation.name': 'generate_content',
          'gen_ai.request.model': model,
          'gemloop.live.turn': turnNumber,
        },
      },
      sessionContext,
    );
    return turn;
  };
  const endTurn = (interrupted: boolean, reason?: string | undefined): void => {
    if (turn === undefined) return;
    turn.setAttribute('gemloop.live.interrupted', interrupted);
    // Cut as a run's finish reason is: the server names it, any length (attack60).
    if (reason !== undefined)
      turn.setAttribute('gen_ai.response.finish_reasons', [boundName(redact(reason))]);
    turn.end();
    turn = undefined;
  };

  return {
    event(event) {
      switch (event.type) {
        case 'text-delta':
        case 'thought-delta':
        case 'audio':
        case 'output-transcript':
          startTurn();
          return;
        case 'usage': {
          const span = startTurn();
          const usage = event.usage as Record<string, unknown>;
          const count = (value: unknown): number =>
            typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
          inputTokens += count(usage['promptTokenCount']);
          outputTokens += count(usage['responseTokenCount'] ?? usage['candidatesTokenCount']);
          span.setAttribute('gen_ai.usage.input_tokens', inputTokens);
          span.setAttribute('gen_ai.usage.output_tokens', outputTokens);
          if (event.cost.total === null) {
            costUnknown ??= event.cost.unknown;
            cost = undefined;
            span.setAttribute('gemloop.cost.unknown', costUnknown ?? 'unknown');
          } else if (cost !== undefined) {
            cost += Number(event.cost.total);
            span.setAttribute('gemloop.cost.usd', cost);
          }
          return;
        }
        case 'turn-end':
          startTurn();
          endTurn(false, event.reason);
          return;
        case 'interrupted':
          session.addEvent('gemloop.live.interrupted', { 'gemloop.live.turn': turnNumber });
          endTurn(true);
          return;
        case 'reconnect':
          session.addEvent('gemloop.live.reconnect', {
            'gemloop.live.reconnect.reason': redact(event.reason),
            'gemloop.live.reconnect.attempt': event.attempt,
            'gemloop.live.reconnect.discarded_turn': event.discardedTurn,
          });
          // A cut turn is answered again on the new connection: its span ends here.
          endTurn(event.discardedTurn);
          return;
        case 'tool-call': {
          startTurn();
          // A second call with the id of one still running (a broken server) is refused at once
          // with its own tool-error (live-tool-runner.ts): the running call's span stays its own.
          // Before, the second call's span replaced it (the first ended with no outcome) and its
          // refusal was the span's error; the running call's result then found no span (attack60).
          if (tools.has(event.toolCallId)) {
            duplicates.set(event.toolCallId, (duplicates.get(event.toolCallId) ?? 0) + 1);
            return;
          }
          // Cut as a run's are (genai-span-attributes.ts): a call of a tool the session does not
          // have names anything, any length (attack29).
          const toolName = boundName(redact(event.toolName));
          const span = tracer.startSpan(
            `execute_tool ${toolName}`,
            {
              kind: SPAN_KIND_INTERNAL,
              attributes: {
                'gen_ai.operation.name': 'execute_tool',
                'gen_ai.tool.name': toolName,
                'gen_ai.tool.call.id': boundName(redact(event.toolCallId)),
                'gen_ai.tool.type': 'function',
                'gemloop.live.tool.behavior': event.behavior,
                // The call id above is then the session's own key, not one the server sent.
                ...(event.idless === true ? { 'gemloop.live.tool.idless': true } : {}),
              },
            },
            sessionContext,
          );
          tools.set(event.toolCallId, span);
          return;
        }
        case 'tool-result': {
          const span = tools.get(event.toolCallId);
          if (span === undefined) return;
          if (event.scheduling !== undefined)
            span.setAttribute('gemloop.live.tool.scheduling', event.scheduling);
          markModified(span, event.modifiedArgs);
          span.end();
          tools.delete(event.toolCallId);
          return;
        }
        case 'tool-error': {
          const refusedDuplicates = duplicates.get(event.toolCallId);
          if (refusedDuplicates !== undefined) {
            if (refusedDuplicates > 1) duplicates.set(event.toolCallId, refusedDuplicates - 1);
            else duplicates.delete(event.toolCallId);
            return;
          }
          const span = tools.get(event.toolCallId);
          if (span === undefined) return;
          span.setAttribute('error.type', event.outcome);
          // The outcome, not the message: a tool's error text may quote its arguments.
          span.setStatus({ code: STATUS_ERROR });
          markModified(span, event.modifiedArgs);
          span.end();
          tools.delete(event.toolCallId);
          return;
        }
        case 'guardrail': {
          // One span per check, as a run's (telemetry/observe-otel-events.ts): under the tool's
          // span for a tool check, else the session's; timed by the check; the reason never
          // (a reason may quote the value checked).
          const parent = event.toolCallId === undefined ? undefined : tools.get(event.toolCallId);
          const span = tracer.startSpan(
            `guardrail ${event.name}`,
            {
              kind: SPAN_KIND_INTERNAL,
              startTime: event.startedAt,
              attributes: {
                'gemloop.guardrail.name': event.name,
                'gemloop.guardrail.phase': event.phase,
                'gemloop.guardrail.verdict': event.verdict,
                'gemloop.guardrail.tripped': event.tripped,
                ...(event.toolName === undefined
                  ? {}
                  : { 'gen_ai.tool.name': boundName(redact(event.toolName)) }),
                ...(event.toolCallId === undefined
                  ? {}
                  : { 'gen_ai.tool.call.id': boundName(redact(event.toolCallId)) }),
              },
            },
            parent === undefined ? sessionContext : api.trace.setSpan(sessionContext, parent),
          );
          if (event.tripped) {
            span.setAttribute('error.type', 'guardrail_tripped');
            span.setStatus({ code: STATUS_ERROR });
          }
          span.end(event.endedAt);
          return;
        }
        default:
          return;
      }
    },
    end(error) {
      endTurn(false);
      for (const span of tools.values()) {
        span.setAttribute('error.type', 'session_ended');
        span.end();
      }
      tools.clear();
      if (error !== undefined) {
        const reason = (error as { reason?: unknown }).reason;
        session.setAttribute('error.type', typeof reason === 'string' ? redact(reason) : 'error');
        session.setStatus({ code: STATUS_ERROR });
      }
      session.end();
    },
  };
}

/**
 * Says on a tool's span that an approval's `modify` changed what ran, as a run's span does
 * (`gemloop.tool.call.modified`); the arguments themselves stay out, as every live span's content.
 */
function markModified(span: OtelApi.Span, modifiedArgs: unknown): void {
  if (modifiedArgs !== undefined) span.setAttribute('gemloop.tool.call.modified', true);
}
