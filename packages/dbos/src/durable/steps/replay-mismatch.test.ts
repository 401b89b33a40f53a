import { Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { describe, expect, it } from 'vitest';
import { DurableReplayMismatchError } from '../../errors/durable-replay-mismatch-error.ts';
import { toReplayMismatch } from './replay-mismatch.ts';

// DBOS's step-name refusal as gemloop's typed error: a plugin's recorded hook on either side is
// told by its plugin and hook, and the message says the agent's plugins changed (attack45a: a
// deploy between the crash and the recovery reordered them); a tool's keeps its wording.
describe('toReplayMismatch', () => {
  it('names the plugins and hooks of two recorded hook steps', () => {
    const error = toReplayMismatch(
      new DBOSErrors.DBOSUnexpectedStepError(
        'run-1',
        3,
        'gemloop.plugin:stamp-b:beforeModelCall:1',
        'gemloop.plugin:stamp-a:beforeModelCall:1',
      ),
    );
    expect(DurableReplayMismatchError.isInstance(error)).toBe(true);
    const mismatch = error as DurableReplayMismatchError;
    expect(mismatch).toMatchObject({
      runId: 'run-1',
      stepId: 3,
      recordedStep: 'gemloop.plugin:stamp-a:beforeModelCall:1',
      expectedStep: 'gemloop.plugin:stamp-b:beforeModelCall:1',
    });
    expect(mismatch.message).toBe(
      'Run "run-1" was replayed onto a different step: its step 3 is recorded as plugin "stamp-a"\'s recorded beforeModelCall (agent step 1; step name gemloop.plugin:stamp-a:beforeModelCall:1), and this execution reached plugin "stamp-b"\'s recorded beforeModelCall (agent step 1; step name gemloop.plugin:stamp-b:beforeModelCall:1) there. The agent\'s plugins are not the ones the run was recorded with (its recorded plugins listed in another order, one added or removed, a hook added to or removed from a plugin\'s `recorded`, or a plugin that reads messages with `run.receive` added or removed): deploy such a change with another `applicationVersion`, or once the runs in flight have ended; it ends here instead of handing one call\'s recorded result to another.',
    );
  });

  it("reads a plugin name holding ':' and a tool hook's later part", () => {
    const error = toReplayMismatch(
      new DBOSErrors.DBOSUnexpectedStepError(
        'run-2',
        5,
        'gemloop.model:1',
        'gemloop.plugin:acme:audit:wrapToolCall.after2:2:call-9',
      ),
    ) as DurableReplayMismatchError;
    expect(error.message).toContain(
      'recorded as plugin "acme:audit"\'s recorded wrapToolCall.after2 (agent step 2;',
    );
    expect(error.message).toContain('reached gemloop.model:1 there');
    expect(error.message).toContain("The agent's plugins are not the ones");
  });

  it("tells a read of the run's messages (a plugin's run.receive) as one", () => {
    const error = toReplayMismatch(
      new DBOSErrors.DBOSUnexpectedStepError('run-4', 4, 'DBOS.recv', 'gemloop.model:stream'),
    ) as DurableReplayMismatchError;
    expect(error.message).toContain(
      "recorded as gemloop.model:stream, and this execution reached a read of the run's messages (DBOS.recv: a plugin's run.receive, or steering) there. The run was recorded by other code: another version of gemloop",
    );
    // What a run paused by gemloop d5ff9c8 met when approved on this version: not only plugins.
    expect(error.message).toContain("or the agent's plugins changed");
    expect(error.message).toContain('applicationVersion');
  });

  it('keeps the wording of two steps that are no plugin hooks', () => {
    const error = toReplayMismatch(
      new DBOSErrors.DBOSUnexpectedStepError(
        'run-3',
        2,
        'gemloop.tool:b@1.0:c',
        'gemloop.tool:a@1.0:c',
      ),
    ) as DurableReplayMismatchError;
    expect(error.message).toContain(
      'recorded as gemloop.tool:a@1.0:c, and this execution reached gemloop.tool:b@1.0:c there. The run was recorded by other code',
    );
  });

  it('leaves any other error as it is', () => {
    const other = new Error('x');
    expect(toReplayMismatch(other)).toBe(other);
  });
});
