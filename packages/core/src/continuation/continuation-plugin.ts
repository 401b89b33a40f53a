import type { ContinuationSettings } from '../run/continuation-options.ts';
import { MODEL_CALL_WRAPPER_KEY, type ModelCallWrapper } from '../run/model-call-wrapper.ts';
import { continueGenerate, continueStream } from './continue-model-call.ts';

/**
 * The continuation plugin as an agent lists it (`agent.plugins`): its name and the settings it
 * runs with. What it does is carried beside them (not enumerable, see {@link continuationPlugin}).
 */
export type ContinuationPlugin = {
  readonly name: 'continuation';
  /** The `continuation` option's settings, defaults applied. */
  readonly options: Readonly<ContinuationSettings>;
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
 * loop finds the wrapper on the plugin once per agent (`modelCallWrapperOf`) and calls it in
 * place of the client's entry, so the default agent pays what it paid when the loop called
 * continuation itself, and loads none of the seam's engine. Each request is one model call of
 * the client, so a durable client (`@gemloop/dbos`) records each hop as its own step: nothing
 * here is a `recorded` hook, and a run resumed after a crash resends only the hop that was cut.
 * @internal
 */
export function continuationPlugin(settings: ContinuationSettings): ContinuationPlugin {
  const wrapper: ModelCallWrapper<ContinuationSettings> = {
    settings,
    generate: continueGenerate,
    stream: continueStream,
  };
  const plugin: ContinuationPlugin = { name: 'continuation', options: Object.freeze(settings) };
  Object.defineProperty(plugin, MODEL_CALL_WRAPPER_KEY, { value: wrapper, enumerable: false });
  return Object.freeze(plugin);
}
