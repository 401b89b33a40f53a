import { cutText, escapeUnprintable } from '@gemloop/core/internal';
import { EvalDatasetError } from '../eval-dataset-error.ts';
import type { EvalErrorKind, EvalResult } from '../eval-result.ts';
import { EVAL_RESULT_FORMAT } from '../eval-result.ts';

/** The largest result file read, in characters. */
export const MAX_RESULT_CHARS: number = 64 * 1024 * 1024;

/**
 * Parses an eval result file (as `runEval` returns and `gemloop eval --json` writes), refusing
 * another format or version with an {@link EvalDatasetError} that says which.
 */
export function readEvalResult(text: string, source = '<inline>'): EvalResult {
  if (text.length > MAX_RESULT_CHARS) {
    throw new EvalDatasetError({
      source,
      problem: `more than ${MAX_RESULT_CHARS} characters; not an eval result.`,
    });
  }
  let value: unknown;
  try {
    // A result saved again by an editor or a shell that writes a UTF-8 byte-order mark (Windows
    // PowerShell 5's `Set-Content -Encoding UTF8`, older Notepad) read as "not JSON" (attack56b):
    // RFC 8259 section 8.1 lets a parser ignore one, as the dataset and run-file readers do.
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new EvalDatasetError({
      source,
      problem: 'not JSON; give a file written by gemloop eval --json.',
    });
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  if (record['format'] !== 'gemloop-eval') {
    throw new EvalDatasetError({
      source,
      problem:
        "not an eval result (no format: 'gemloop-eval'); give a file written by gemloop eval --json.",
    });
  }
  const version = record['version'];
  if (version !== EVAL_RESULT_FORMAT) {
    // A version edited by hand is the file's text: shown bounded and escaped, as a 5 MB one went
    // whole into the message and an escape sequence in it reached the terminal (evals68).
    const shown =
      typeof version === 'string'
        ? shownVersion(version)
        : typeof version === 'object' && version !== null
          ? `of ${Array.isArray(version) ? 'a list' : 'an object'}`
          : String(version);
    throw new EvalDatasetError({
      source,
      problem: `eval result version ${shown}, this gemloop reads version ${EVAL_RESULT_FORMAT}; run the eval again with this version.`,
    });
  }
  const problem = findProblem(record);
  if (problem !== undefined) {
    throw new EvalDatasetError({
      source,
      problem: `${problem}; give a file written by gemloop eval --json, unchanged.`,
    });
  }
  return value as EvalResult;
}

/**
 * A version string as the refusal shows it: cut at 40 characters (never inside an emoji), saying
 * how much was left out, each control, line-breaking and bidi character as its `\uXXXX` escape.
 */
function shownVersion(version: string): string {
  const cut = cutText(version, 40);
  const shown = escapeUnprintable(cut);
  return cut === version ? shown : `${shown}… [${version.length - cut.length} characters omitted]`;
}

type Check = (value: unknown) => boolean;
const isString: Check = (value) => typeof value === 'string';
/**
 * The numbers a result holds, each within what an eval writes: a finite number out of it (a
 * hand-edited `costUsd: "1e308"`) summed to Infinity in `compareResults` and printed `Infinity`.
 */
const isCount: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
const isShare: Check = (value) => typeof value === 'number' && value >= 0 && value <= 1;
const isDuration: Check = (value) =>
  typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER;
/** The largest cost in US dollars read, of an attempt or a whole eval: far past any real eval. */
const MAX_COST_USD = 1e9;
const isCost: Check = (value) => typeof value === 'number' && value >= 0 && value <= MAX_COST_USD;
const COUNT = 'a whole number from 0';
const SHARE = 'a number from 0 to 1';
const DURATION = 'a number of milliseconds from 0';
const COST = `a number of US dollars from 0 to ${MAX_COST_USD}`;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const STATUSES: readonly unknown[] = ['pass', 'fail', 'drift', 'error'];
/** The kinds of an attempt's error (`EvalErrorKind`). */
const ERROR_KINDS: readonly unknown[] = [
  'threw',
  'timeout',
  'rate-limited',
] satisfies EvalErrorKind[];
/** The modes runEval writes (`EvalResult['mode']`). */
const MODES: readonly unknown[] = ['replay', 'live', 'batch'] satisfies EvalResult['mode'][];

/**
 * The first field the reports read (`toJunitXml`, `formatSummary`, `compareResults`) that is
 * missing or of the wrong type, as `'attempts[2].scores[0].score' must be a number`; a file
 * edited by hand, or a NaN score that JSON wrote as `null`, would otherwise crash them later
 * with a TypeError that names nothing.
 */
function findProblem(record: Record<string, unknown>): string | undefined {
  const wrong = (path: string, what: string): string => `'${path}' must be ${what}`;
  if (!isString(record['name'])) return wrong('name', 'a string');
  if (!MODES.includes(record['mode'])) return wrong('mode', "'replay', 'live' or 'batch'");
  if (!isString(record['startedAt'])) return wrong('startedAt', 'a string');
  const attempts = record['attempts'];
  if (!Array.isArray(attempts)) return wrong('attempts', 'a list of attempts');
  for (const [index, attempt] of attempts.entries()) {
    const at = `attempts[${index}]`;
    if (!isRecord(attempt)) return wrong(at, 'an object');
    if (!isString(attempt['caseId'])) return wrong(`${at}.caseId`, 'a string');
    if (!STATUSES.includes(attempt['status'])) {
      return wrong(`${at}.status`, "'pass', 'fail', 'drift' or 'error'");
    }
    for (const key of ['repeat', 'totalTokens']) {
      if (!isCount(attempt[key])) return wrong(`${at}.${key}`, COUNT);
    }
    if (!isDuration(attempt['latencyMs'])) return wrong(`${at}.latencyMs`, DURATION);
    const cost = attempt['costUsd'];
    // Number('') and Number(' ') are 0: a blank string is no cost either.
    if (
      cost !== null &&
      !(typeof cost === 'string' && cost.trim() !== '' && isCost(Number(cost)))
    ) {
      return wrong(
        `${at}.costUsd`,
        `a decimal string of US dollars from 0 to ${MAX_COST_USD}, or null`,
      );
    }
    // What toJunitXml and formatSummary print of an attempt that errored or drifted.
    const error = attempt['error'];
    if (error !== undefined) {
      if (!isRecord(error)) return wrong(`${at}.error`, 'an object');
      if (!ERROR_KINDS.includes(error['kind'])) {
        return wrong(`${at}.error.kind`, "'threw', 'timeout' or 'rate-limited'");
      }
      if (!isString(error['name'])) return wrong(`${at}.error.name`, 'a string');
      if (!isString(error['message'])) return wrong(`${at}.error.message`, 'a string');
    }
    const drift = attempt['drift'];
    if (drift !== undefined) {
      if (!isRecord(drift)) return wrong(`${at}.drift`, 'an object');
      if (!isCount(drift['call'])) return wrong(`${at}.drift.call`, COUNT);
      if (!isString(drift['path'])) return wrong(`${at}.drift.path`, 'a string');
      if (!isString(drift['reason'])) return wrong(`${at}.drift.reason`, 'a string');
    }
    const unreproduced = attempt['unreproduced'];
    if (unreproduced !== undefined) {
      if (!Array.isArray(unreproduced)) return wrong(`${at}.unreproduced`, 'a list');
      for (const [stepIndex, step] of unreproduced.entries()) {
        const path = `${at}.unreproduced[${stepIndex}]`;
        if (!isRecord(step)) return wrong(path, 'an object');
        if (!isString(step['run'])) return wrong(`${path}.run`, 'a string');
        if (!isCount(step['call'])) return wrong(`${path}.call`, COUNT);
        const omitted = step['omitted'];
        if (!Array.isArray(omitted) || !omitted.every(isString))
          return wrong(`${path}.omitted`, 'a list of strings');
      }
    }
    const scores = attempt['scores'];
    if (!Array.isArray(scores)) return wrong(`${at}.scores`, 'a list');
    for (const [scoreIndex, score] of scores.entries()) {
      const path = `${at}.scores[${scoreIndex}]`;
      if (!isRecord(score)) return wrong(path, 'an object');
      if (!isString(score['scorer'])) return wrong(`${path}.scorer`, 'a string');
      if (!isShare(score['score'])) return wrong(`${path}.score`, SHARE);
      if (typeof score['pass'] !== 'boolean') return wrong(`${path}.pass`, 'a boolean');
      if (!isString(score['reason'])) return wrong(`${path}.reason`, 'a string');
    }
  }
  const summary = record['summary'];
  if (!isRecord(summary)) return wrong('summary', 'an object');
  for (const key of [
    'attempts',
    'passed',
    'failed',
    'drifted',
    'errored',
    'totalTokens',
    'unknownCost',
  ]) {
    if (!isCount(summary[key])) return wrong(`summary.${key}`, COUNT);
  }
  if (!isShare(summary['passRate'])) return wrong('summary.passRate', SHARE);
  if (!isCost(summary['costUsd'])) return wrong('summary.costUsd', COST);
  const latency = summary['latencyMs'];
  if (!isRecord(latency) || !['p50', 'p95', 'max'].every((key) => isDuration(latency[key]))) {
    return wrong('summary.latencyMs', `an object of p50, p95 and max, each ${DURATION}`);
  }
  const scorers = summary['scorers'];
  if (!Array.isArray(scorers)) return wrong('summary.scorers', 'a list');
  for (const [index, scorer] of scorers.entries()) {
    const path = `summary.scorers[${index}]`;
    if (!isRecord(scorer) || !isString(scorer['scorer']))
      return wrong(`${path}.scorer`, 'a string');
    if (!isCount(scorer['count'])) return wrong(`${path}.count`, COUNT);
    for (const key of ['passRate', 'mean', 'min', 'max']) {
      if (!isShare(scorer[key])) return wrong(`${path}.${key}`, SHARE);
    }
    const histogram = scorer['histogram'];
    if (!Array.isArray(histogram) || histogram.length !== 5 || !histogram.every(isCount)) {
      return wrong(`${path}.histogram`, `a list of 5 counts, each ${COUNT}`);
    }
  }
  return undefined;
}
