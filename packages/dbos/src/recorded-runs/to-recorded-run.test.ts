import { describe, expect, it } from 'vitest';
import { type StoredRun, toRecordedRun } from './to-recorded-run.ts';

// An approval's `modify` runs other arguments than the model's: the in-process recorder writes
// them as `tool-call-end`'s `modifiedArgs`, redacted as arguments are (leftovers56). A fleet's run
// read back carried the record's `modified: true` but wrote no `modifiedArgs`, so `gemloop view`
// and an eval case built from it showed only the model's arguments (leftovers57).
function storedRun(secrets?: StoredRun['secrets']): StoredRun {
  const call = (toolCallId: string, amount: number, modified: boolean) => ({
    toolCallId,
    toolName: 'refund',
    rawArgs: { order: '7', amount: 30, card: '4111-1111' },
    args: { order: '7', amount, card: '4111-1111' },
    ...(modified ? { modified: true } : {}),
    outcome: 'success',
    output: { refunded: amount },
    durationMs: 3,
  });
  return {
    runId: 'r1',
    agent: 'approver',
    createdAt: 1,
    input: { input: 'refund order 7' },
    output: {
      text: 'done',
      finishReason: 'STOP',
      contents: [{ role: 'user', parts: [{ text: 'refund order 7' }] }],
      steps: [
        {
          stepNumber: 1,
          response: {},
          toolCalls: [call('c1', 10, true), call('c2', 30, false)],
        },
      ],
    },
    frames: new Map(),
    ...(secrets === undefined ? {} : { secrets }),
  };
}

function toolEnds(run: StoredRun): Record<string, unknown>[] {
  return (toRecordedRun(run) ?? []).filter((line) => line.type === 'tool-call-end') as Record<
    string,
    unknown
  >[];
}

describe("toRecordedRun and an approval's modified arguments", () => {
  it('writes modifiedArgs for the modified call only, as the in-process recorder does', () => {
    const [modified, plain] = toolEnds(storedRun());
    expect(modified?.['modifiedArgs']).toEqual({ order: '7', amount: 10, card: '4111-1111' });
    expect(plain).not.toHaveProperty('modifiedArgs');
  });

  it("redacts the tool's secret arguments in them", () => {
    const run = storedRun(new Map([['refund', new Set(['card'])]]));
    const [modified] = toolEnds(run);
    expect(modified?.['modifiedArgs']).toEqual({ order: '7', amount: 10, card: '[redacted]' });
    expect(JSON.stringify(toRecordedRun(run))).not.toContain('4111');
  });
});
