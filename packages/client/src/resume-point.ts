import { ClientError } from './client-error.ts';

/**
 * Where a page can pick a run up again: the run's id (its `start` event's `runId`) and the SSE id
 * of the last event the page took in. `agentEvents` hands one out after each event
 * (`onResumePoint`); a page that saves it (with what it shows) continues the run after a reload with
 * `resume: point`, from the server's replay buffer or a durable run's store.
 */
export type ResumePoint = {
  /** The run's id, from its `start` event. */
  runId: string;
  /** The SSE `id:` of the last event the page took in (sent back as `Last-Event-ID`). */
  lastEventId: string;
};

/**
 * `point`, checked as `agentEvents`' `resume` option is: it goes into request headers, so what a
 * page read back from its storage (an old shape, a string someone edited) fails here with what is
 * wrong, not as a fetch `TypeError`. `@gemloop/react` checks a point with it before it shows
 * anything for the run.
 *
 * @returns the point's two fields, or `undefined` for `undefined`.
 * @throws {@link ClientError} code `invalid-option` (option `resume`) for anything else than two
 * non-empty strings of at most 200 printable ASCII characters.
 */
export function checkResumePoint(point: unknown): ResumePoint | undefined {
  if (point === undefined) return undefined;
  const { runId, lastEventId } = (point ?? {}) as Record<string, unknown>;
  if (
    typeof point === 'object' &&
    point !== null &&
    isHeaderValue(runId) &&
    isHeaderValue(lastEventId)
  ) {
    return { runId, lastEventId };
  }
  throw new ClientError({
    code: 'invalid-option',
    option: 'resume',
    message:
      'resume must be { runId, lastEventId } as onResumePoint gave it: two non-empty strings of at most 200 printable characters.',
  });
}

/**
 * Whether `value` can be sent back as a resume header: 1 to 200 printable ASCII characters, not
 * starting or ending with a space. A header value may not hold line ends, and an id (a UUID, an
 * event number) needs nothing else. @internal
 */
export function isHeaderValue(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/.test(value);
}
