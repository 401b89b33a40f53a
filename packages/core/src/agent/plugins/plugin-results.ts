import type { AgentStep } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import type { FinishOutcome, PluginHookName, ToolExecution } from './agent-plugin.ts';

// What a hook returned, checked before the run uses it (a plugin's value is untrusted), and the
// name a recorded hook call is stored under.

/** @internal */
export function isExecution(value: unknown): value is ToolExecution {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'value' || type === 'error' || type === 'timeout' || type === 'aborted';
}

/** @internal */
export function isStep(value: unknown): value is AgentStep {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AgentStep).stepNumber === 'number' &&
    Array.isArray((value as AgentStep).toolCalls) &&
    typeof (value as AgentStep).response === 'object'
  );
}

/** @internal */
export function isFinish(value: unknown): value is FinishOutcome {
  return (value as { type?: unknown }).type === 'finish';
}

/** @internal */
export function finishReason(value: FinishOutcome): string {
  return typeof value.reason === 'string' ? value.reason : 'finished by a plugin';
}

/** @internal */
export function isContentList(value: unknown, empty = false): value is readonly Content[] {
  return (
    Array.isArray(value) &&
    (empty || value.length > 0) &&
    value.every(
      (content) =>
        typeof content === 'object' &&
        content !== null &&
        Array.isArray((content as Content).parts) &&
        (content as Content).role !== 'model',
    )
  );
}

/** The name of a recorded hook call: unique in its run, the same on a replay. */
/** @internal */
export function recordName(
  plugin: string,
  hook: PluginHookName,
  stepNumber: number,
  callId: string | undefined,
): string {
  return callId === undefined
    ? `plugin:${plugin}:${hook}:${stepNumber}`
    : `plugin:${plugin}:${hook}:${stepNumber}:${callId}`;
}
