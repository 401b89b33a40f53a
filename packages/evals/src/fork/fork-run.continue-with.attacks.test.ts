// A `continueWith` that forgot its `return` (attack63b): forkRun read `forked.steps` of
// `undefined` and failed with a bare "Cannot read properties of undefined (reading 'steps')",
// naming neither the option nor the fix. It now fails with an InvalidArgumentError naming
// `continueWith` and what it must resolve to.

import type { AgentResult } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core';
import { afterEach, describe, expect, it } from 'vitest';
import { recordSignedWeatherRun } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import { forkRun } from './fork-run.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe('forkRun given a continueWith that resolves to no result', () => {
  for (const [label, value] of [
    ['undefined', undefined],
    ['null', null],
    ['a run id', 'run-42'],
    ['an object without steps', { text: 'done' }],
  ] as const) {
    it(`fails naming continueWith when it resolves to ${label}`, async () => {
      const recorded = await recordSignedWeatherRun({ recorder: { fidelity: 'full' } });
      cleanups.push(recorded.cleanup);
      const made = caseFromRunFile(recorded.text, recorded.file);
      if (made === undefined) throw new Error('the recorded run made no case');
      const error = await forkRun(made, {
        until: 1,
        continueWith: async () => value as unknown as AgentResult<unknown>,
      }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe('continueWith');
      expect((error as Error).message).toMatch(/must resolve to the fork's AgentResult/);
    });
  }
});
