import { emptyUsage } from '../../usage.ts';
import type { PluginTrip } from '../agent-plugin.ts';
import type { PluginError } from '../plugin-error.ts';
import { isContentList, type PluginReport, toReports } from '../plugin-results.ts';
import { isStoredError, type StoredOwnError } from '../recorded-own-error.ts';
import type { PluginRunFacts } from '../run-view/plugin-run-view.ts';
import { countSideCall, type SideSpend } from '../run-view/run-generate.ts';

// A recorded hook call's record (see `PluginHookCalls.call`) and what a replay reads back from
// it. A record is read back from a database: each part is checked before it is used, and what
// is not what the seam wrote fails as the hook's invalid result (`invalid`) rather than as a
// TypeError, a history no request can carry, or a count no total can read.

/** What a recorded hook call's record holds (data read back from a database: checked when used). @internal */
export type StoredCall = {
  readonly value: unknown;
  readonly trip?: PluginTrip;
  readonly own?: unknown;
  readonly failed?: unknown;
  readonly finish?: string;
  readonly added?: unknown;
  readonly emitted?: unknown;
  readonly state?: unknown;
  readonly spent?: unknown;
  /** A tool hook's: whether the tool's value in `value` was a toolResult() (recorded-tool-value.ts). */
  readonly toolResult?: unknown;
  /** A tool hook's: what JSON alone cannot say of the tool's value in `value` (recorded-tool-value.ts). */
  readonly toolValue?: unknown;
};

/**
 * What a replay's checks of one hook call's record need: the run's facts, and the hook's invalid
 * result (a `PluginError` naming the plugin and the hook) for a part that is not one. @internal
 */
export type StoredCallReader = {
  readonly facts: PluginRunFacts;
  readonly invalid: (message: string) => PluginError;
};

/** Ends the message of a record that is not one the seam wrote. @internal */
export const CHANGED = '(the record was changed)';

/**
 * The contents a recorded hook added on the first run (`run.addInput`), appended again on a
 * replay. What is not a list of user contents fails as the hook's invalid result rather than
 * joining the history. @internal
 */
export function addStored(reader: StoredCallReader, added: unknown): void {
  if (!isContentList(added))
    throw reader.invalid(
      `its record holds contents it added that are not a list of user contents ${CHANGED}`,
    );
  for (const content of added) reader.facts.tracker.append(content);
}

/**
 * What a recorded hook's `run.generate` calls spent on the first run, counted again on a replay.
 * What is not a list of `{ usage, cost }` (token counts, a USD cost) fails as the hook's invalid
 * result rather than as a count no total can read. @internal
 */
export function countStored(reader: StoredCallReader, spent: unknown): void {
  if (!Array.isArray(spent) || !spent.every(isSideSpend))
    throw reader.invalid(
      `its record holds model calls it made that are not a list of { usage, cost } ${CHANGED}`,
    );
  const context = reader.facts.context() as Parameters<typeof countSideCall>[0];
  for (const each of spent) countSideCall(context, each);
}

/**
 * The reports a record holds (`undefined`: none), checked as `run.emit` checks a kind: what is
 * not a list of reports, each a kind of 1 to 64 characters and its data, fails as the hook's
 * invalid result rather than as events no surface can read. The kinds are redacted again (a
 * record may have been written otherwise). @internal
 */
export function storedReports(reader: StoredCallReader, emitted: unknown): PluginReport[] {
  if (emitted === undefined) return [];
  const reports = toReports(emitted, reader.facts.redact);
  if (reports === undefined)
    throw reader.invalid(
      `its record holds reports that are not a list of { kind, data } (a kind is 1 to 64 characters) ${CHANGED}`,
    );
  return reports;
}

/** An error the record holds (`StoredOwnError`), checked: a name and a message. @internal */
export function storedError(reader: StoredCallReader, stored: unknown): StoredOwnError {
  if (isStoredError(stored)) return stored;
  throw reader.invalid(
    `its record holds an error that is not { name, message } (strings) ${CHANGED}`,
  );
}

/** Whether a stored value is a side call's `{ usage, cost }` (see {@link countStored}). */
function isSideSpend(value: unknown): value is SideSpend {
  if (typeof value !== 'object' || value === null) return false;
  const { usage, cost } = value as { usage?: unknown; cost?: unknown };
  if (typeof usage !== 'object' || usage === null || typeof cost !== 'object' || cost === null)
    return false;
  const counts = usage as Record<string, unknown>;
  const money = cost as Record<string, unknown>;
  return (
    USAGE_FIELDS.every(
      (field) => Number.isSafeInteger(counts[field]) && (counts[field] as number) >= 0,
    ) &&
    money['currency'] === 'USD' &&
    COST_FIELDS.every((field) => money[field] === null || isAmount(money[field]))
  );
}

/** The token counts a usage holds (an `AgentUsage`'s keys). */
const USAGE_FIELDS = Object.keys(emptyUsage());
const COST_FIELDS = ['total', 'input', 'cachedInput', 'output', 'thinking'] as const;
/** A cost's amount as `writeCost` writes it: a decimal string of dollars. */
const isAmount = (value: unknown): boolean =>
  typeof value === 'string' && value.length <= 64 && /^\d+(\.\d+)?$/.test(value);
