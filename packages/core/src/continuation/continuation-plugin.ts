import type { ContinuationSettings } from '../run/continuation-options.ts';
import type { ModelCallWrapper } from '../run/model-call-wrapper.ts';
import { continueGenerate, continueStream } from './continue-model-call.ts';

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
  return Object.freeze({
    name: 'continuation',
    options: Object.freeze(settings),
    generate: continueGenerate,
    stream: continueStream,
  });
}
