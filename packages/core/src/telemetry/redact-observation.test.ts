import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { compaction } from '../compaction/compaction.ts';
import { handoff } from '../composition/handoff.ts';
import type { HandoffEvent } from '../run/agent-event.ts';
import type { CompactionReport } from '../run/compaction-report.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { RunObserver } from './run-observer.ts';

// A tool with secretArguments makes the observers see the run through redactObservation: every
// hook an observer has must still reach it (the recorder's lines and the spans come from them).

const PASSWORD = 'hunter2-correct-horse';
const login = defineTool({
  name: 'login',
  description: 'Logs in.',
  parameters: z.object({ user: z.string(), password: z.string() }),
  secretArguments: ['password'],
  execute: () => ({ ok: true, motd: 'lorem ipsum dolor '.repeat(300) }),
});

function spy() {
  const compactions: CompactionReport[] = [];
  const handoffs: Omit<HandoffEvent, 'type' | 'path'>[] = [];
  const observer: RunObserver = {
    startRun: () => ({
      modelCall: () => ({ retry() {}, firstChunk() {}, end() {} }),
      toolCall: () => ({ end() {} }),
      stepEnd() {},
      end() {},
      event: (event) => {
        if (event.type === 'compaction') {
          const { type: _type, path: _path, trace: _trace, ...report } = event;
          compactions.push(report);
        } else if (event.type === 'handoff') {
          const { type: _type, path: _path, ...info } = event;
          handoffs.push(info);
        }
      },
    }),
  };
  return { observer, compactions, handoffs };
}

describe('observers of a run whose tools declare secretArguments', () => {
  it('are told about each compaction', async () => {
    const { observer, compactions } = spy();
    const gemini = createScriptedGemini([
      ...[1, 2, 3, 4].map((n) =>
        callsTurn(['login', { user: 'ada', password: PASSWORD }, `c${n}`]),
      ),
      textTurn('Logged in.'),
    ]);
    const result = await createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [login],
      recorder: observer,
      compaction: compaction({ maxTokens: 1_500, keepRecent: 2 }),
    }).run('Log in four times.');
    const reports = result.compaction?.reports ?? [];
    expect(reports.length).toBeGreaterThan(0);
    expect(compactions).toEqual(reports);
  });

  it('are told about a handoff', async () => {
    const { observer, handoffs } = spy();
    const billing = createAgent({
      gemini: createScriptedGemini([textTurn('Refunded.')]),
      model: 'gemini-2.5-flash',
      name: 'billing',
    });
    const result = await createAgent({
      gemini: createScriptedGemini([
        callsTurn(['login', { user: 'ada', password: PASSWORD }, 'l1']),
        callsTurn(['transfer_to_billing', {}, 't1']),
      ]),
      model: 'gemini-2.5-flash',
      name: 'triage',
      tools: [login, handoff(billing)],
      recorder: observer,
    }).run('Refund me.');
    expect(result.handoffs).toEqual(['billing']);
    expect(handoffs.map(({ from, to }) => [from, to])).toEqual([['triage', 'billing']]);
  });
});

describe('observers of a run handed to an agent whose tools declare secretArguments', () => {
  it('see those arguments redacted, though the agent that started the run has none (issue 52)', async () => {
    // Each value as JSON when it is handed over (a request's contents grow with the run after).
    const seen: string[] = [];
    const see = (value: unknown) => seen.push(JSON.stringify(value));
    const observer: RunObserver = {
      startRun: (info) => {
        see(info);
        return {
          modelCall: (call) => {
            see(call.request);
            return { retry() {}, firstChunk() {}, end: (outcome) => see(outcome) };
          },
          toolCall: (call) => {
            see(call);
            return { end: (record) => see(record) };
          },
          stepEnd: (step) => see(step),
          end: (outcome) => see(outcome),
        };
      },
    };
    const accounts = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['login', { user: 'ada', password: PASSWORD }, 'l1']),
        textTurn('In.'),
      ]),
      model: 'gemini-2.5-flash',
      name: 'accounts',
      tools: [login],
    });
    const result = await createAgent({
      gemini: createScriptedGemini([callsTurn(['transfer_to_accounts', {}, 't1'])]),
      model: 'gemini-2.5-flash',
      name: 'triage',
      tools: [handoff(accounts)],
      recorder: observer,
    }).run('Log ada in.');
    expect(result.handoffs).toEqual(['accounts']);
    // The run itself keeps the value; what the observer got does not hold it.
    expect(JSON.stringify(result.contents)).toContain(PASSWORD);
    expect(seen.some((value) => value.includes('[redacted]'))).toBe(true);
    for (const value of seen) expect(value).not.toContain(PASSWORD);
  });
});
