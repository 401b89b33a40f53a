import { describe, expect, it, vi } from 'vitest';
import { zeroCost } from '../../models/cost.ts';
import type { AgentRunState, AgentStep } from '../../run/agent-result.ts';
import { createScriptedGemini } from '../__fixtures__/scripted-gemini.ts';
import type { AgentOptions } from '../config/agent-options.ts';
import { resolveAgentConfig } from '../config/resolve-agent-config.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import type { ToolCallsResult } from '../tool-calls/execute-tool-calls.ts';
import { resolveAnsweredCalls } from './resolve-answered-calls.ts';

const run = { contents: [], newContents: [], steps: [], usage: {} } as unknown as AgentRunState;
const answered: ToolCallsResult = {
  toolCalls: [],
  responseContent: { role: 'user', parts: [] },
  extraContent: undefined,
  failure: undefined,
  aborted: false,
  ending: undefined,
};

function resolve(
  calls: Partial<ToolCallsResult>,
  where: { stepsLeft?: boolean; resumed?: boolean; signal?: AbortSignal } = {},
  options: Partial<AgentOptions> = {},
) {
  const config = resolveAgentConfig({
    gemini: createScriptedGemini([]),
    model: 'gemini-2.5-flash',
    ...options,
  });
  return resolveAnsweredCalls(
    config,
    { ...answered, ...calls },
    {
      signal: where.signal ?? new AbortController().signal,
      steps: [{} as AgentStep],
      cost: { total: zeroCost() },
      runStopWhen: [],
      kind: 'tools',
      stepsLeft: where.stepsLeft ?? true,
      resumed: where.resumed ?? false,
    },
  );
}

describe('resolveAnsweredCalls', () => {
  it('calls the model again with the responses', () => {
    expect(resolve({})).toEqual({ type: 'run-again', kind: 'tools', reasks: 0 });
  });

  it('fails an aborted run with the signal reason, in the tool-calls phase', () => {
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    const next = resolve({ aborted: true }, { signal: controller.signal });
    const error = next.type === 'fail' ? next.error(run) : undefined;
    expect(error).toBeInstanceOf(AgentAbortedError);
    expect(error).toMatchObject({ phase: 'tool-calls', cause: controller.signal.reason });
  });

  it('fails with the error a call ended the turn with', () => {
    const failure = (state: AgentRunState) => new AgentRunError({ message: 'boom', run: state });
    expect(resolve({ failure })).toEqual({ type: 'fail', error: failure });
  });

  it('finishes on a stop condition, before the step limit', () => {
    const stopWhen = vi.fn(() => true);
    expect(resolve({}, { stepsLeft: false }, { stopWhen })).toEqual({
      type: 'finish',
      finishReason: 'stop-condition',
    });
    expect(stopWhen).toHaveBeenCalledWith({ steps: [{}], cost: zeroCost() });
  });

  it('fails with the history when a stop condition throws', () => {
    const next = resolve(
      {},
      {},
      {
        stopWhen: () => {
          throw new Error('bad condition');
        },
      },
    );
    const error = next.type === 'fail' ? next.error(run) : undefined;
    expect(error).toBeInstanceOf(AgentRunError);
    expect(error?.message).toBe('A stopWhen condition threw after step 1: bad condition');
  });

  it('finishes at the step limit', () => {
    expect(resolve({}, { stepsLeft: false })).toEqual({
      type: 'finish',
      finishReason: 'max-steps',
    });
  });

  it('asks neither the stop conditions nor the limit for calls the input history ended with', () => {
    const stopWhen = vi.fn(() => true);
    expect(resolve({}, { stepsLeft: false, resumed: true }, { stopWhen })).toMatchObject({
      type: 'run-again',
    });
    expect(stopWhen).not.toHaveBeenCalled();
  });
});
