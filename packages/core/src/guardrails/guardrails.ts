import type { GuardrailEngine } from '../agent/run-state/run-context.ts';
import { checkInputInOrder } from './check-added-input.ts';
import { appliesTo, checkToolInput, checkToolOutput } from './check-tool-guardrails.ts';
import { composeGuardrails, inheritableGuardrails } from './compose-guardrails.ts';
import type { ToolGuardrail } from './guardrail.ts';
import { type GuardrailOptions, type Guardrails, guardrailOptions } from './guardrail-options.ts';
import { ioGuardrailsPluginOf } from './io-guardrails-plugin.ts';
import { toolGuardrailsPlugin } from './tool-guardrails-plugin.ts';

export type { Guardrails };

// What the loop calls (agent/run-state/run-context.ts). The lists are opaque to the loop: the
// casts name what composeGuardrails put there.
const engine: GuardrailEngine = {
  compose: composeGuardrails,
  inheritable: inheritableGuardrails,
  plugin: ioGuardrailsPluginOf,
  checkInput: (input, content, options) => checkInputInOrder(input, [content], options),
  toolPlugin: toolGuardrailsPlugin,
  appliesTo: (tools, toolName, moment) =>
    appliesTo(tools as readonly ToolGuardrail[], toolName, moment),
  checkToolInput: (tools, call, options) =>
    checkToolInput(tools as readonly ToolGuardrail[], call, options),
  checkToolOutput: (tools, call, options) =>
    checkToolOutput(tools as readonly ToolGuardrail[], call, options),
};

/**
 * Guardrails for an agent, a run, a chat session or one send: checks on the run's input, its
 * final answer and its function calls, and the rewrite of thrown tool errors (see
 * {@link GuardrailOptions}). The value carries the checks' implementation, so an application
 * that never makes one does not bundle them.
 *
 * @example
 * ```ts
 * createAgent({ model, guardrails: guardrails({ input: [noInjection], tools: [noDelete] }) });
 * ```
 * @throws {@link InvalidArgumentError} when an option is malformed (named in the message).
 */
export function guardrails(options: GuardrailOptions): Guardrails {
  guardrailOptions.check(options, 'guardrails');
  return { kind: 'guardrails', options, engine };
}
