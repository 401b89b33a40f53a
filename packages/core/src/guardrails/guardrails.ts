import { checkOptionsCopy } from '../options/define-options.ts';
import { guardrailLayers } from './guardrail-layers.ts';
import { type GuardrailOptions, type Guardrails, guardrailOptions } from './guardrail-options.ts';
import { ioGuardrailsPluginOf } from './io-guardrails-plugin.ts';
import { type LiveGuardrails, liveGuardrails } from './live-guardrails.ts';

export type { Guardrails };

/**
 * Guardrails for an agent, a run, a chat session or one send: checks on the run's input, its
 * final answer and its function calls, and the rewrite of thrown tool errors (see
 * {@link GuardrailOptions}). The value carries the plugins it is sugar for, so an application
 * that never makes one does not bundle them.
 *
 * @example
 * ```ts
 * createAgent({ model, guardrails: guardrails({ input: [noInjection], tools: [noDelete] }) });
 * ```
 * @throws {@link InvalidArgumentError} when an option is malformed (named in the message).
 */
export function guardrails(options: GuardrailOptions): Guardrails {
  // Each option read once (attack20): the value kept the given object, and its lists and limits
  // were read again by each agent that used it.
  return guardrailsValue(checkOptionsCopy(guardrailOptions, options, 'guardrails'));
}

/**
 * The value of checked `options`: the input and output checks' plugin first among the plugins
 * it is given with (`leading`), the levels that carry its settings and tool checks last
 * (`trailing`; see `guardrailLayers`). @internal
 */
export function guardrailsValue(options: GuardrailOptions): Guardrails {
  const io = ioGuardrailsPluginOf(options);
  const value: Guardrails & LiveGuardrailsCarrier = {
    kind: 'guardrails',
    options,
    leading: io === undefined ? [] : [io],
    trailing: guardrailLayers(options),
    live: liveGuardrails,
  };
  return value;
}

/**
 * What the value carries for a Live session (`@gemloop/core/live`): its checks, made when a
 * session opens, so a Live app without guardrails bundles none of them. @internal
 */
export type LiveGuardrailsCarrier = {
  readonly live: (options: GuardrailOptions) => LiveGuardrails | undefined;
};
