import type { GenerateContentBody, GenerateContentResponse } from '@gemloop/core/wire';
import type { EvalCaseFixtures } from '../eval-case.ts';
import type { EvalDrift, EvalUnreproduced } from '../eval-result.ts';
import { findDrift, requestDifference } from './find-drift.ts';
import { findUnreproduced, servable } from './find-omitted.ts';

/** One recorded run of a tree, as the replay plays it. */
type Route = {
  /** `top run` or `subagent run search#1`, for drift reasons. */
  label: string;
  responses: readonly GenerateContentResponse[];
  requests: readonly GenerateContentBody[] | undefined;
  /** The requests this run was served, as they came. */
  sent: unknown[];
  /** When each of them came, counted over the whole tree. */
  order: number[];
};

/** A recorded agent tree's replay: the fake's script and the drift it saw. @internal */
export type RecordedRunsReplay = {
  /** The answer to serve a request: the next recorded answer of the run it comes from. */
  answer(body: unknown): GenerateContentResponse;
  /** The first drift of any run of the tree (top run first), or `undefined`. */
  drift(): EvalDrift | undefined;
  /** The served answers that held values the recording had shortened, run by run. */
  unreproduced(): EvalUnreproduced[];
};

/**
 * Replays a recorded agent tree (a top run and its subagent runs) on one fake: every agent of
 * the tree talks to the same client, and each run's file kept only its own model calls, so a
 * request is served the next answer of the run it comes from. Which one is read from the
 * recorded requests, as the agents send them now: the run whose next recorded request is this
 * request; else one whose next request has the same system instruction and first content (the
 * same agent on the same task, drifted further on); else the same first content (the task, to an
 * agent whose instructions changed); else the same system instruction; else the first run with
 * answers left. Parallel subagents reach the fake in any order, and each still
 * gets its own answers. A request no run has an answer left for fails (the fake answers 400),
 * and is drift. @internal
 */
export function routeRecordedRuns(fixtures: EvalCaseFixtures): RecordedRunsReplay {
  const routes: Route[] = [
    {
      label: 'the top run',
      responses: fixtures.modelResponses,
      requests: fixtures.requests,
      sent: [],
      order: [],
    },
    ...(fixtures.subagents ?? []).map((run) => ({
      label: `the subagent run ${run.path.join(' > ')}`,
      responses: run.modelResponses,
      requests: run.requests,
      sent: [],
      order: [],
    })),
  ];
  let unserved = 0;
  let arrived = 0;
  const recordedCount = routes.reduce((sum, route) => sum + route.responses.length, 0);
  const pick = (body: unknown): Route | undefined => {
    const open = routes.filter((route) => route.sent.length < route.responses.length);
    const next = (route: Route): unknown => route.requests?.[route.sent.length];
    return (
      open.find((route) => requestDifference(next(route), body) === undefined) ??
      open.find(
        (route) =>
          sameField(next(route), body, 'systemInstruction') && sameFirstContent(next(route), body),
      ) ??
      open.find((route) => sameFirstContent(next(route), body)) ??
      open.find((route) => sameField(next(route), body, 'systemInstruction')) ??
      open[0]
    );
  };
  return {
    answer(body) {
      const route = pick(body);
      if (route === undefined) {
        unserved++;
        throw new Error(
          `the recording has no model answer left for this request (${recordedCount} recorded across the top run and ${routes.length - 1} subagent run(s))`,
        );
      }
      route.sent.push(body);
      route.order.push(arrived++);
      return servable(route.responses[route.sent.length - 1] as GenerateContentResponse);
    },
    unreproduced() {
      return routes.flatMap((route) =>
        findUnreproduced(route.label, route.responses, route.sent.length),
      );
    },
    drift() {
      // The drift that came first: a subagent's drift changes what its parent is sent next,
      // which is not where the change is.
      let first: { drift: EvalDrift; at: number } | undefined;
      for (const route of routes) {
        // Without recorded requests there is nothing to compare (the fake served no more than
        // the recorded answers).
        if (route.requests === undefined) continue;
        const drift = findDrift(route.requests, route.sent);
        const at = drift === undefined ? undefined : route.order[drift.call];
        if (drift === undefined || at === undefined || (first !== undefined && first.at <= at)) {
          continue;
        }
        first = { drift: { ...drift, reason: `${route.label}: ${drift.reason}` }, at };
      }
      if (first !== undefined) return first.drift;
      if (unserved === 0) return undefined;
      return {
        call: recordedCount,
        path: '$',
        reason: `the agents made ${recordedCount + unserved} model calls, the recording has ${recordedCount}`,
      };
    },
  };
}

function sameField(recorded: unknown, sent: unknown, key: string): boolean {
  if (recorded === undefined) return false;
  const a = (recorded as Record<string, unknown>)[key];
  const b = (sent as Record<string, unknown> | undefined)?.[key];
  return requestDifference({ [key]: a }, { [key]: b }) === undefined;
}

function sameFirstContent(recorded: unknown, sent: unknown): boolean {
  const first = (body: unknown): unknown =>
    ((body as { contents?: unknown } | undefined)?.contents as unknown[] | undefined)?.[0];
  const a = first(recorded);
  return (
    a !== undefined &&
    requestDifference({ contents: [a] }, { contents: [first(sent)] }) === undefined
  );
}
