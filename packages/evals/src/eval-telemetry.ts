import type { OtelTracerProvider } from '@gemloop/core/telemetry';
import type { EvalAttempt, EvalResult } from './eval-result.ts';

/** The span names an eval run makes. */
export const EVAL_SPAN = 'gemloop.eval';
/** @see {@link EVAL_SPAN} */
export const EVAL_CASE_SPAN = 'gemloop.eval.case';

/** The parts of an OpenTelemetry span used here (`@opentelemetry/api` is not a dependency). */
type EvalSpan = {
  setAttribute(key: string, value: string | number | boolean | string[]): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  addEvent(name: string, attributes: Record<string, string | number | boolean>): unknown;
  end(): void;
};
type EvalTracer = {
  startActiveSpan<T>(
    name: string,
    options: { attributes?: Record<string, string | number | boolean | string[]> },
    fn: (span: EvalSpan) => T,
  ): T;
};

/** `SpanStatusCode.ERROR` of `@opentelemetry/api` (a stable enum value). */
const STATUS_ERROR = 2;
/** Longest string attribute an eval span carries (a case id, a drift reason, an error message). */
const MAX_ATTRIBUTE_CHARS = 1000;

/**
 * Spans of an eval run: a `gemloop.eval` span around the run, a `gemloop.eval.case` span around
 * each attempt (status, drift, usage as attributes; a `gemloop.eval.score` event per score). Each is the active span while its work
 * runs (`tracer.startActiveSpan`), so the agent's own `gemloop` run spans (its `telemetry`, or the
 * global provider) nest under the case they belong to wherever a context manager propagates the
 * active span across awaits, as the Node SDK's does (`AsyncLocalStorageContextManager`).
 * @internal
 */
export type EvalTelemetry = {
  suite<T>(info: { name: string; mode: string; cases: number }, fn: () => Promise<T>): Promise<T>;
  attempt(
    info: { caseId: string; repeat: number; tags: readonly string[] },
    fn: () => Promise<EvalAttempt>,
  ): Promise<EvalAttempt>;
  /** Puts the result's totals on the suite span (called inside `suite`). */
  summarize(result: EvalResult): void;
};

/** @internal */
export function createEvalTelemetry(
  tracerProvider: OtelTracerProvider | undefined,
  version: string,
): EvalTelemetry {
  const tracer = (
    tracerProvider as { getTracer(name: string, version?: string): EvalTracer } | undefined
  )?.getTracer('@gemloop/evals', version);
  let suiteSpan: EvalSpan | undefined;
  return {
    suite(info, fn) {
      if (tracer === undefined) return fn();
      return tracer.startActiveSpan(
        EVAL_SPAN,
        {
          attributes: {
            'gemloop.eval.name': cut(info.name),
            'gemloop.eval.mode': info.mode,
            'gemloop.eval.cases': info.cases,
          },
        },
        async (span) => {
          suiteSpan = span;
          try {
            return await fn();
          } catch (error) {
            span.setStatus({ code: STATUS_ERROR, message: cut(messageOf(error)) });
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },
    attempt(info, fn) {
      if (tracer === undefined) return fn();
      return tracer.startActiveSpan(
        EVAL_CASE_SPAN,
        {
          attributes: {
            'gemloop.eval.case.id': cut(info.caseId),
            'gemloop.eval.case.repeat': info.repeat,
            'gemloop.eval.case.tags': info.tags.slice(0, 50).map(cut),
          },
        },
        async (span) => {
          try {
            const attempt = await fn();
            describeAttempt(span, attempt);
            return attempt;
          } finally {
            span.end();
          }
        },
      );
    },
    summarize(result) {
      const span = suiteSpan;
      if (span === undefined) return;
      const { summary } = result;
      span.setAttribute('gemloop.eval.attempts', summary.attempts);
      span.setAttribute('gemloop.eval.passed', summary.passed);
      span.setAttribute('gemloop.eval.failed', summary.failed);
      span.setAttribute('gemloop.eval.drifted', summary.drifted);
      span.setAttribute('gemloop.eval.errored', summary.errored);
      span.setAttribute('gemloop.eval.pass_rate', summary.passRate);
      span.setAttribute('gemloop.eval.total_tokens', summary.totalTokens);
      span.setAttribute('gemloop.eval.cost_usd', summary.costUsd);
    },
  };
}

function describeAttempt(span: EvalSpan, attempt: EvalAttempt): void {
  span.setAttribute('gemloop.eval.case.status', attempt.status);
  span.setAttribute('gemloop.eval.case.total_tokens', attempt.totalTokens);
  span.setAttribute('gemloop.eval.case.latency_ms', attempt.latencyMs);
  if (attempt.costUsd !== null) span.setAttribute('gemloop.eval.case.cost_usd', attempt.costUsd);
  span.setAttribute('gemloop.eval.case.scores', attempt.scores.length);
  span.setAttribute(
    'gemloop.eval.case.scores_passed',
    attempt.scores.filter((score) => score.pass).length,
  );
  // One event per score: a scorer's name is free text (`tool-trajectory(exact)`), no attribute key.
  for (const score of attempt.scores.slice(0, 100)) {
    span.addEvent('gemloop.eval.score', {
      'gemloop.eval.scorer': cut(score.scorer),
      'gemloop.eval.score': score.score,
      'gemloop.eval.score.pass': score.pass,
      'gemloop.eval.score.reason': cut(score.reason),
    });
  }
  if (attempt.drift !== undefined) {
    span.setAttribute('gemloop.eval.case.drift', cut(attempt.drift.reason));
  }
  if (attempt.error !== undefined) {
    span.setAttribute(
      'error.type',
      attempt.error.kind === 'threw' ? attempt.error.name : attempt.error.kind,
    );
    span.setStatus({ code: STATUS_ERROR, message: cut(attempt.error.message) });
  }
}

function cut(text: string): string {
  return text.length <= MAX_ATTRIBUTE_CHARS ? text : `${text.slice(0, MAX_ATTRIBUTE_CHARS)}…`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
