import type { InputGuardrail, OutputGuardrail, ToolGuardrail } from '../../guardrails/guardrail.ts';
import {
  DEFAULT_GUARDRAIL_TIMEOUT_MS,
  type ResolvedGuardrails,
} from '../../guardrails/guardrail-options.ts';
import type { EngineGuardrails, GuardrailEngine } from '../run-state/run-context.ts';
import type { Guardrails } from './guardrail-engine.ts';

/**
 * Joins guardrails, outermost first (agent, session, run): lists are concatenated in that
 * order, the innermost setting given wins. `undefined` when there is nothing to check or rewrite,
 * so a run without guardrails pays nothing. @internal
 */
export function composeGuardrails(
  ...layers: readonly (Guardrails | undefined)[]
): EngineGuardrails | undefined {
  const input: InputGuardrail[] = [];
  const output: OutputGuardrail[] = [];
  const tools: ToolGuardrail[] = [];
  let timeoutMs = DEFAULT_GUARDRAIL_TIMEOUT_MS;
  let failOpen = false;
  let holdBack = false;
  let onToolError: ResolvedGuardrails['onToolError'];
  let engine: GuardrailEngine | undefined;
  for (const layer of layers) {
    if (layer === undefined) continue;
    // Every value comes from guardrails(), whose engine this is (isGuardrails checked the shape).
    engine = layer.engine as GuardrailEngine;
    const options = layer.options;
    if (options.input !== undefined) input.push(...options.input);
    if (options.output !== undefined) output.push(...options.output);
    if (options.tools !== undefined) tools.push(...options.tools);
    if (options.timeoutMs !== undefined) timeoutMs = options.timeoutMs;
    if (options.onTimeout !== undefined) failOpen = options.onTimeout === 'fail-open';
    if (options.holdBack !== undefined) holdBack = options.holdBack;
    if (options.onToolError !== undefined) onToolError = options.onToolError;
  }
  if (engine === undefined) return undefined;
  return { input, output, tools, timeoutMs, failOpen, holdBack, onToolError, engine };
}
