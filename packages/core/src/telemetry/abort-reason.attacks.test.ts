import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { type SpansAndRunFile, spansAndRunFile } from './__fixtures__/spans-and-run-file.ts';

// attack63a: an aborted run's reason (`gemloop.abort.reason` on the run span, `error.reason` of
// the run file's run-end line) is the signal's reason: often not the caller's own words but an
// error it was handed (`controller.abort(error)` after another request failed), whose message
// names that request's URL, its query's token and the internal host it went to. The run's
// error message is cleaned of those; the reason beside it was written as it came.

const REASON =
  'upstream GET https://billing.internal/v1/charge?token=tok_abcdef123456 from 10.1.2.3:8080 failed';

const opened: SpansAndRunFile[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((setup) => setup.close()));
});

async function abortedRun(reason: unknown, streamed: boolean) {
  const setup = await spansAndRunFile([turn.text('never')]);
  opened.push(setup);
  const agent = createAgent(setup.options);
  const signal = AbortSignal.abort(reason);
  const run = streamed ? agent.stream('Go', { signal }).result : agent.run('Go', { signal });
  await expect(run).rejects.toBeInstanceOf(AgentAbortedError);
  const runSpans = setup.exporter.getFinishedSpans().filter((span) => span.name === 'invoke_agent');
  const lines = (await setup.lines()) as { type: unknown; error?: { reason?: string } }[];
  return { runSpans, end: lines.find((line) => line.type === 'run-end') };
}

describe('an abort reason that quotes a URL, a token and an internal address', () => {
  it.each([false, true])(
    'neither the run span nor the run file keeps them (streamed: %s)',
    async (streamed) => {
      const { runSpans, end } = await abortedRun(new Error(REASON), streamed);
      expect(runSpans).toHaveLength(1);
      const onSpan = runSpans[0]?.attributes['gemloop.abort.reason'];
      const inFile = end?.error?.reason;
      for (const reason of [onSpan, inFile]) {
        expect(reason).toBe('upstream GET <url> from <host> failed');
      }
    },
  );

  it('a reason given as text is cleaned the same way', async () => {
    const { runSpans, end } = await abortedRun(REASON, false);
    expect(runSpans[0]?.attributes['gemloop.abort.reason']).toBe(
      'upstream GET <url> from <host> failed',
    );
    expect(end?.error?.reason).toBe('upstream GET <url> from <host> failed');
  });

  it("a caller's plain words are kept as they are", async () => {
    const { runSpans, end } = await abortedRun('user pressed stop at 10:30', false);
    expect(runSpans[0]?.attributes['gemloop.abort.reason']).toBe('user pressed stop at 10:30');
    expect(end?.error?.reason).toBe('user pressed stop at 10:30');
  });
});

describe('an abort reason whose message cannot be read', () => {
  it('the run span still ends and the run file still gets its run-end line', async () => {
    const reason = {
      get message(): string {
        throw new Error('a getter that throws');
      },
    };
    const { runSpans, end } = await abortedRun(reason, false);
    expect(runSpans).toHaveLength(1);
    expect(runSpans[0]?.attributes['error.type']).toBe('AgentAbortedError');
    expect(runSpans[0]?.attributes['gemloop.abort.reason']).toBeUndefined();
    expect(end).toBeDefined();
    expect(end?.error?.reason).toBeUndefined();
  });
});
