import type { ContinuationSettings } from '../run/continuation-options.ts';
import type { ModelCallWrapper } from '../run/model-call-wrapper.ts';
import { LoadOnce } from '../shared/load-once.ts';

type ContinueModelCall = typeof import('./continue-model-call.ts');

// The wrapper's code (its fast paths fold a stream with the request path's accumulator) loads
// with the loop, not with `import '@gemloop/core'`: the root import reaches no request path
// (index.static-imports.test.ts; cold import is a bench target). Every run loads the loop first
// (`preloadContinuation` beside it in create-agent.ts), so a model call finds it loaded.
const modelCalls = new LoadOnce(
  (): Promise<ContinueModelCall> => import('./continue-model-call.ts'),
);

/**
 * Loads the continuation wrapper's code (with the loop, by an agent's first run).
 * @internal
 */
export function preloadContinuation(): Promise<unknown> {
  return modelCalls.load();
}

/** What a getter hands out before the code is loaded: a call fails, a look (a log line) does not. */
function notLoaded(): never {
  throw new Error('the continuation plugin is not loaded: a run loads it with the loop');
}

/**
 * The continuation plugin as an agent lists it (`agent.plugins`): its name, the settings it runs
 * with, and its wrapper around each model call's requests (`generate`, `stream`).
 */
export type ContinuationPlugin = ModelCallWrapper<Readonly<ContinuationSettings>> & {
  readonly name: 'continuation';
};

/**
 * Automatic continuation of long-decode answers as a plugin, on by default: every agent whose
 * `continuation` option is not `false` has it (the option is sugar that configures it). It wraps
 * each model call's requests (a `CONTINUATION` answer is sent again with its token until the model
 * finishes; a dropped stream resumes from its last checkpoint), inside every plugin's
 * `wrapModelCall`: one step, however many requests it took.
 *
 * Not a hook of the seam's engine: the seam's hooks wrap a whole step, and continuation works on
 * the requests inside one (their chunks held back past a checkpoint, their usage summed). The
 * plugin is the wrapper the loop calls in place of the client's entry (found once per agent), so
 * the default agent pays what it paid when the loop called continuation itself, and loads none of
 * the seam's engine. Each request is one model call of the client, so a durable client
 * (`@gemloop/dbos`) records each hop as its own step: nothing here is a `recorded` hook, and a run
 * resumed after a crash resends only the hop that was cut.
 * @internal
 */
export function continuationPlugin(settings: ContinuationSettings): ContinuationPlugin {
  // Getters, not wrappers: the loop calls the loaded functions themselves (no frame more between
  // agent.run() and the transport; agent/request-path-depth.test.ts counts them).
  return Object.freeze({
    name: 'continuation' as const,
    options: Object.freeze(settings),
    get generate() {
      return modelCalls.value?.continueGenerate ?? notLoaded;
    },
    get stream() {
      return modelCalls.value?.continueStream ?? notLoaded;
    },
  });
}
