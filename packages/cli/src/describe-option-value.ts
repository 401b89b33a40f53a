import { describeValue } from '@gemloop/core/internal';
import { escapeControls } from './escape-controls.ts';

/**
 * A refused option's value as core's option checks name it (`5000`, `the string "5000"`, `"raise"`,
 * `an object`, a string cut at 40 characters: core's `describeValue`), with the characters JSON
 * leaves raw (C1 controls, bidi marks) escaped too: the CLI's messages reach a terminal. One rule
 * for the CLI's option checks and core's, so `'5000'` never reads `got 5000` here.
 * @internal
 */
export function describeOptionValue(value: unknown): string {
  return escapeControls(describeValue(value));
}
