import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import { describeValue } from '../../../options/define-options.ts';
import type { GuardrailCheckRecord } from '../../../run/guardrail-check-record.ts';
import { cutTextNoted } from '../../../shared/cut-text.ts';

const PHASES: ReadonlySet<unknown> = new Set(['input', 'output', 'tool-input', 'tool-output']);
const VERDICTS: ReadonlySet<unknown> = new Set([
  'pass',
  'allow',
  'rewrite',
  'replace',
  'deny',
  'ask',
  'block',
  'throw',
  'failed',
  'failed-open',
]);

const NUMBERS = ['stepNumber', 'startedAt', 'endedAt'] as const;

/** Why `check` is not a check `PluginRun.reportCheck` takes, or `undefined` when it is one. */
function problemOf(check: Partial<Record<keyof GuardrailCheckRecord | 'type' | 'path', unknown>>) {
  if (typeof check.name !== 'string' || check.name === '') return 'name must be a non-empty string';
  if (!PHASES.has(check.phase))
    return 'phase must be one of input, output, tool-input, tool-output';
  if (!VERDICTS.has(check.verdict))
    return `verdict must be one of ${[...VERDICTS].join(', ')}; got ${describeValue(check.verdict)}`;
  if (typeof check.tripped !== 'boolean') return 'tripped must be a boolean';
  for (const key of NUMBERS)
    if (typeof check[key] !== 'number' || !Number.isFinite(check[key]))
      return `${key} must be a finite number`;
  for (const key of ['reason', 'toolName', 'toolCallId'] as const)
    if (check[key] !== undefined && typeof check[key] !== 'string')
      return `${key} must be a string when given`;
  if (check.parallel !== undefined && typeof check.parallel !== 'boolean')
    return 'parallel must be a boolean when given';
  // The event's own fields: a check may not name another kind or another run's place.
  if ('type' in check || 'path' in check) return 'a check has no type or path of its own';
  return undefined;
}

/**
 * `check` as `PluginRun.reportCheck` puts it in a `guardrail` event, with its reason redacted
 * (the built-in guardrails' checks pass it as they made it, so their events keep their fields).
 * @throws {@link InvalidArgumentError} naming what is wrong (see `PluginRun.reportCheck`).
 * @internal
 */
export function reportedCheck(
  check: GuardrailCheckRecord,
  redact: <T>(value: T) => T,
): GuardrailCheckRecord {
  // Each field read once, here: a getter could answer the check one thing and the event another
  // (a verdict that passed as 'pass', then the key).
  const fields = typeof check !== 'object' || check === null ? undefined : readOnce(check);
  const problem =
    fields === undefined ? `takes a check record; got ${describeValue(check)}` : problemOf(fields);
  if (problem !== undefined)
    throw new InvalidArgumentError({
      argument: 'run.reportCheck',
      message: `run.reportCheck(): ${problem}.`,
    });
  // Only the record's own fields, read once: anything else on the object (a secret, a cycle, a
  // megabyte) stays out of the event. A check that throws or blocks may quote a service called
  // with the same key: its texts reach events, spans and run files scrubbed, as a tool's error
  // does, and cut at MAX_CHECK_TEXT (a reason may quote a whole document).
  const text = (value: string): string => cutTextNoted(redact(value), MAX_CHECK_TEXT);
  const { name, phase, stepNumber, verdict, tripped, reason, toolName, toolCallId, parallel } =
    fields as GuardrailCheckRecord;
  const reported: GuardrailCheckRecord = {
    name: text(name),
    phase,
    stepNumber,
    verdict,
    tripped,
    startedAt: (fields as GuardrailCheckRecord).startedAt,
    endedAt: (fields as GuardrailCheckRecord).endedAt,
  };
  if (reason !== undefined) reported.reason = text(reason);
  if (toolName !== undefined) reported.toolName = text(toolName);
  if (toolCallId !== undefined) reported.toolCallId = text(toolCallId);
  if (parallel !== undefined) reported.parallel = parallel;
  return reported;
}

/** The fields a check record may have (and `type`, `path`, which it may not), each read once. */
function readOnce(check: object): Record<string, unknown> {
  const record = check as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const key of FIELDS) if (key in record) fields[key] = record[key];
  return fields;
}

const FIELDS = [
  'name',
  'phase',
  'verdict',
  'tripped',
  ...NUMBERS,
  'reason',
  'toolName',
  'toolCallId',
  'parallel',
  'type',
  'path',
] as const;

/** The longest text of a reported check (its name, reason, tool fields), as a deny message's. */
const MAX_CHECK_TEXT = 1_000;
