import { cutText } from '@gemloop/core/internal';
import type { FakeTurn } from './fake-turn.ts';
import type { FakeScriptContext, FakeScriptFunction, FakeScriptRequest } from './fake-types.ts';

/** One agent's part of a {@link routeByAgent} script. */
export type FakeAgentRoute = {
  /**
   * Which requests are this agent's: a string the request's system instruction contains (an
   * agent's `instructions` are its system instruction), or a function of the request.
   */
  match: string | ((request: FakeScriptRequest) => boolean);
  /** The agent's turns, played in order over its own requests. */
  script: readonly (FakeTurn | FakeScriptFunction)[];
};

/**
 * A script for several agents talking to one fake (a team: a triage agent and its specialists, a
 * research agent and its subagents): each request goes to the first route whose `match` fits,
 * and each route plays its own turns in order, whatever order the agents' calls reach the fake
 * (parallel subagents interleave). A turn a fault broke (a reset or cut answer) is played again
 * on the route's next call, as faults never use up a turn. A request no route matches, or a
 * route that ran out, fails the call with a message naming it (the fake answers
 * `400 FAILED_PRECONDITION`, as for any script that throws).
 *
 * @example
 * ```ts
 * createFakeGemini({
 *   script: routeByAgent([
 *     { match: 'You route questions', script: [turn.call('transfer_to_billing')] },
 *     { match: 'You handle billing', script: [turn.text('Refund issued.')] },
 *   ]),
 * });
 * ```
 */
export function routeByAgent(routes: readonly FakeAgentRoute[]): FakeScriptFunction {
  const positions = routes.map(() => 0);
  // Turns a fault kept from the client, per route, played again before the route moves on.
  const replays = routes.map((): FakeTurn[] => []);
  const routeOf = new WeakMap<object, number>();
  const play = (index: number, turn: FakeTurn): FakeTurn => {
    if (typeof turn === 'object' && turn !== null) routeOf.set(turn, index);
    return turn;
  };
  const script = (request: FakeScriptRequest, context: FakeScriptContext) => {
    const instruction = systemText(request);
    const index = routes.findIndex((route) =>
      typeof route.match === 'string' ? instruction.includes(route.match) : route.match(request),
    );
    if (index < 0) {
      throw new Error(
        `routeByAgent: no route matches call ${context.callIndex + 1} (system instruction: ${JSON.stringify(cutText(instruction, 80))})`,
      );
    }
    const replay = (replays[index] as FakeTurn[]).shift();
    if (replay !== undefined) return play(index, replay);
    const route = routes[index] as FakeAgentRoute;
    const position = positions[index] as number;
    const next = route.script[position];
    if (next === undefined) {
      throw new Error(
        `routeByAgent: the route ${typeof route.match === 'string' ? JSON.stringify(route.match) : index} has no turn left for its call ${position + 1}`,
      );
    }
    positions[index] = position + 1;
    if (typeof next !== 'function') return play(index, next);
    const made = next(request, context);
    return made instanceof Promise ? made.then((turn) => play(index, turn)) : play(index, made);
  };
  // The fake tells this script of a turn a fault broke (a reset or cut answer): its route plays
  // it again, as an array script does ("faults never use up a scripted turn").
  undeliveredListeners.set(script, (turn) => {
    const index = typeof turn === 'object' && turn !== null ? routeOf.get(turn) : undefined;
    if (index !== undefined) (replays[index] as FakeTurn[]).push(turn);
  });
  return script;
}

// Keyed by the script function, not a property on it: nothing shows on what routeByAgent returns,
// and a script of the user's own has no entry (the pattern of model-call-entry.ts in core).
// why (kept): keyed by the script function routeByAgent returns; see the reason above.
const undeliveredListeners = new WeakMap<object, (turn: FakeTurn) => void>();

/**
 * Tells a script function that keeps its own place (one `routeByAgent` made) that the turn it
 * returned did not reach the client (a fault broke the stream or body), so it gives that turn
 * again; nothing for any other script. @internal
 */
export function tellTurnUndelivered(script: object, turn: FakeTurn): void {
  undeliveredListeners.get(script)?.(turn);
}

/** The text of the request's system instruction (either key spelling), joined. */
function systemText(request: FakeScriptRequest): string {
  const body = request.body as Record<string, unknown>;
  const instruction = (body['systemInstruction'] ?? body['system_instruction']) as
    | { parts?: { text?: unknown }[] }
    | undefined;
  const parts = Array.isArray(instruction?.parts) ? instruction.parts : [];
  return parts.map((part) => (typeof part.text === 'string' ? part.text : '')).join('\n');
}
