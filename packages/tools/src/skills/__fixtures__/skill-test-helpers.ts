import { fileURLToPath } from 'node:url';
import type { ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { SkillError } from '../skill-error.ts';

/** The fixture skills folder (skills written for gemloop's tests; see its README). */
export const SKILL_FIXTURES = fileURLToPath(new URL('./skills', import.meta.url));

/** A `ToolExecuteContext` as the agent passes one. */
export const skillToolContext: ToolExecuteContext = {
  signal: new AbortController().signal,
  toolCallId: 'call-1',
  step: 1,
  logger: silentLogger,
  contents: [],
};

/** The `SkillError` `run` throws or rejects with; fails the test on anything else. */
export async function skillFailure(run: () => unknown): Promise<SkillError> {
  try {
    await run();
  } catch (error) {
    if (SkillError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a SkillError');
}
