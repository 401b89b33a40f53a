// The observing phase of a turn's calls: the `tool-call` events, each call's span (its observer's
// view) and the context its tool runs in.
import { toolTypeKey } from '../../../telemetry/run-observer.ts';
import { rawArgsOf } from '../raw-args.ts';
import type { PendingCall } from '../settle-tool-call.ts';
import type { ToolTurn } from './tool-turn.ts';

/** A `tool-call` event for each call of the turn, in call order, before any runs. @internal */
export function emitToolCalls<Output>({
  emit,
  config,
  pending,
  stepNumber,
}: ToolTurn<Output>): void {
  if (emit === undefined) return;
  // Redacted here, by the agent whose tool it is: a surface that shows the event (a page, a
  // durable run's stored events) may sit above a subagent or before a handoff, and hold another
  // agent's tools or none (issue 52).
  const redactor = config.argumentRedactor;
  for (const { call, toolCallId } of pending) {
    const args = rawArgsOf(call);
    const redactedArgs = redactor?.args(call.name, args) ?? args;
    emit(
      redactedArgs === args
        ? { type: 'tool-call', stepNumber, toolCallId, toolName: call.name, args }
        : { type: 'tool-call', stepNumber, toolCallId, toolName: call.name, args, redactedArgs },
    );
  }
}

/** Starts the observer's view of a call (its span); nothing for an unobserved run. @internal */
export function observeCall<Output>(
  { observation, config, stepNumber }: ToolTurn<Output>,
  pendingCall: PendingCall,
  started: number,
): void {
  if (observation === undefined) return;
  const tool = config.tools.functions.get(pendingCall.call.name);
  pendingCall.observed = observation.toolCall({
    stepNumber,
    toolName: pendingCall.call.name,
    toolCallId: pendingCall.toolCallId,
    toolType: toolTypeOf(tool),
    toolDescription: tool?.description,
    args: rawArgsOf(pendingCall.call),
    startedAt: started,
  });
}

/**
 * Runs `body` in the call's context: the spans the tool (and the hook) start nest under
 * `execute_tool`. @internal
 */
export function inCallContext<T>(pendingCall: PendingCall, body: () => T): T {
  const wrap = pendingCall.observed?.wrap;
  return wrap === undefined ? body() : wrap(body);
}

/** `gen_ai.tool.type`: what the tool says it is (MCP, a built-in run as a function), else `function`. @internal */
export function toolTypeOf(tool: object | undefined): string {
  // The declared field; the deprecated `toolTypeKey` symbol still read, for one release.
  const read = tool as { toolType?: unknown; [toolTypeKey]?: unknown } | undefined;
  const type = read?.toolType ?? read?.[toolTypeKey];
  return typeof type === 'string' ? type : 'function';
}
