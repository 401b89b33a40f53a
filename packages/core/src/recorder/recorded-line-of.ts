import type { AgentEvent, PluginEvent } from '../run/agent-event.ts';
import type { ContinuationReport } from '../run/continuation-report.ts';
import { cutText } from '../shared/cut-text.ts';
import {
  MAX_RECORDED_HOPS,
  MAX_RECORDED_PLUGIN_DATA_CHARS,
  MAX_RECORDED_STEER_CHARS,
  type RecordedContinuation,
  type RecordedRunLine,
} from './recorded-run.ts';

/** A step's continuation report, bounded for the run file. */
export function recordContinuation(report: ContinuationReport): RecordedContinuation {
  return {
    hops: report.hops.length,
    reconnects: report.reconnects,
    restarted: report.restarted,
    firstPromptTokenCount: report.firstPromptTokenCount,
    hopTokens: report.hops.slice(0, MAX_RECORDED_HOPS).map((hop) => hop.usage?.totalTokenCount),
  };
}

/**
 * The run file's line for one of the run's events, or `undefined` for an event the other
 * records already hold (deltas, calls, steps, the end) or that a recording does not keep.
 */
export function recordedLineOf(
  event: AgentEvent<unknown>,
  at: number,
): RecordedRunLine | undefined {
  switch (event.type) {
    case 'guardrail':
      return {
        type: 'guardrail',
        stepNumber: event.stepNumber,
        name: event.name,
        phase: event.phase,
        verdict: event.verdict,
        tripped: event.tripped,
        ...(event.reason === undefined ? {} : { reason: event.reason }),
        ...(event.toolName === undefined ? {} : { toolName: event.toolName }),
        ...(event.toolCallId === undefined ? {} : { toolCallId: event.toolCallId }),
        ...(event.parallel === true ? { parallel: true as const } : {}),
        startedAt: event.startedAt,
        at: event.endedAt,
      };
    case 'handoff':
      return {
        type: 'handoff',
        stepNumber: event.stepNumber,
        from: event.from,
        to: event.to,
        filter: event.filter,
        contentsBefore: event.contentsBefore,
        contentsAfter: event.contentsAfter,
        at,
      };
    case 'compaction': {
      // The report as the result holds it: the trace is the spans' (its times and usage).
      const { type: _type, path: _path, trace: _trace, ...report } = event;
      return { type: 'compaction', ...report, at };
    }
    case 'continuation':
      return {
        type: 'continuation',
        stepNumber: event.stepNumber,
        kind: event.kind,
        hop: event.hop,
        totalTokenCount: event.usage?.totalTokenCount,
        at,
      };
    case 'plugin':
      return recordedPluginLine(event, at);
    case 'steer': {
      const parts = event.content.parts ?? [];
      const text = parts.map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
      return {
        type: 'steer',
        status: event.status,
        mode: event.mode,
        stepNumber: event.stepNumber,
        text:
          text.length > MAX_RECORDED_STEER_CHARS
            ? `${cutText(text, MAX_RECORDED_STEER_CHARS)}…`
            : text,
        parts: parts.length,
        ...(event.reason === undefined ? {} : { reason: event.reason }),
        at,
      };
    }
    default:
      return undefined;
  }
}

/** A plugin's report as a line: its data as JSON, cut past the recorder's bound. */
function recordedPluginLine(event: PluginEvent, at: number): RecordedRunLine {
  let json: string | undefined;
  try {
    json = event.data === undefined ? undefined : JSON.stringify(event.data);
  } catch {
    json = '"[unserialisable]"';
  }
  return {
    type: 'plugin',
    plugin: event.plugin,
    kind: event.kind,
    stepNumber: event.stepNumber,
    ...(json === undefined
      ? {}
      : {
          data:
            json.length > MAX_RECORDED_PLUGIN_DATA_CHARS
              ? `${cutText(json, MAX_RECORDED_PLUGIN_DATA_CHARS)}…`
              : json,
        }),
    at,
  };
}
