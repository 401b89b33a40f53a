import { checkInputGuardrails } from '../../guardrails/check-input-guardrails.ts';
import {
  appliesTo,
  checkToolInput,
  checkToolOutput,
} from '../../guardrails/check-tool-guardrails.ts';
import { type GuardrailOptions, guardrailOptions } from '../../guardrails/guardrail-options.ts';
import { guardedFirstStep } from '../loop/guard-input.ts';
import { guardOutput, HeldTextDeltas } from '../loop/guard-output.ts';
import type { GuardrailEngine } from '../run-state/run-context.ts';
import type { Guardrails } from './guardrail-engine.ts';

const engine: GuardrailEngine = {
  guardedFirstStep,
  guardOutput,
  holdTextDeltas: (emit, options) => new HeldTextDeltas(emit, options),
  checkInput: checkInputGuardrails,
  appliesTo,
  checkToolInput,
  checkToolOutput,
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
