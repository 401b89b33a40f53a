import { DBOS } from '@dbos-inc/dbos-sdk';
import { defineTool, type ToolExecuteContext } from '@gemloop/core';
import { isToolResultWithParts, toolResult } from '@gemloop/core/tools';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type LiveToolOutcome, registerLiveToolWorkflow } from './live-tool-workflow.ts';
import { durableBackgroundTool } from './open-durable-live-session.ts';

// toolresult45: a durable Live session's background tool runs as a workflow whose step records
// its value as JSON, which loses toolResult()'s mark, and the session reads the result back from
// the record. The outcome notes the mark, so a toolResult() is delivered as one (media) and the
// tool's data of that shape as data; a record from before the mark is read by the shape, as it
// was delivered then. DBOS is stood in for by spies that keep what it keeps: JSON.

const media = { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } };
const lookalike = { kind: 'tool-result', response: { approved: true }, parts: [media] };
const tools = [
  defineTool({
    name: 'shot',
    parameters: z.object({}),
    execute: () => toolResult({ output: 'shot', parts: [media] }),
  }),
  defineTool({
    name: 'row',
    parameters: z.object({}),
    execute: () => JSON.parse(JSON.stringify(lookalike)) as unknown,
  }),
];
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("a durable Live background tool's toolResult()", () => {
  let edit: (outcome: LiveToolOutcome) => LiveToolOutcome = (outcome) => outcome;
  beforeEach(() => {
    vi.spyOn(DBOS, 'workflowID', 'get').mockReturnValue('gemloop.live:s1:v1');
    vi.spyOn(DBOS, 'registerWorkflow').mockImplementation(((body: unknown) => body) as never);
    vi.spyOn(DBOS, 'runStep').mockImplementation(async (body) => json(await body()));
    vi.spyOn(DBOS, 'getWorkflowStatus').mockResolvedValue(null);
    vi.spyOn(DBOS, 'startWorkflow').mockImplementation(
      ((workflow: (input: unknown) => unknown) => (input: unknown) =>
        Promise.resolve({
          getResult: async () => edit(json((await workflow(input)) as LiveToolOutcome)),
        })) as never,
    );
  });
  afterEach(() => {
    vi.restoreAllMocks();
    edit = (outcome) => outcome;
  });

  /** What the session's tool call returns for `name`, through the workflow and its record. */
  async function delivered(name: string): Promise<unknown> {
    const workflow = registerLiveToolWorkflow({ voice: { tools } } as never);
    const tool = durableBackgroundTool(tools.find((each) => each.name === name) as never, {
      sessionId: 's1',
      agentName: 'voice',
      workflow,
    });
    const context = { toolCallId: `${name}-1`, signal: new AbortController().signal };
    return tool.execute({}, context as unknown as ToolExecuteContext);
  }

  it('is delivered as media, and data of its shape as data', async () => {
    const outcomes: LiveToolOutcome[] = [];
    edit = (outcome) => {
      outcomes.push(outcome);
      return outcome;
    };
    const shot = await delivered('shot');
    const row = await delivered('row');
    expect(outcomes).toMatchObject([
      { ok: true, toolResult: true },
      { ok: true, toolResult: false },
    ]);
    expect(isToolResultWithParts(shot)).toBe(true);
    expect(shot).toEqual({ kind: 'tool-result', response: { output: 'shot' }, parts: [media] });
    expect(isToolResultWithParts(row)).toBe(false);
    expect(row).toEqual(lookalike);
  });

  it('reads a record from before the mark by the shape, as it was delivered then', async () => {
    edit = (outcome) => {
      const { toolResult: _mark, ...older } = outcome as LiveToolOutcome & { toolResult?: unknown };
      return older as LiveToolOutcome;
    };
    expect(isToolResultWithParts(await delivered('shot'))).toBe(true);
    expect(isToolResultWithParts(await delivered('row'))).toBe(true);
  });
});
