import type { Content } from '@gemloop/core';
import { closestNames, quoteText } from '@gemloop/core/internal';
import type {
  EvalCase,
  EvalCaseFixtures,
  EvalExpectation,
  ExpectedToolCall,
  RecordedSubagentRun,
} from './eval-case.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { MAX_COMPARED_DEPTH } from './scorers/deep-equal.ts';
import { MAX_SIMULATED_TURNS } from './simulated-user.ts';

/** The largest dataset read, in characters (past it: `EvalDatasetError`). */
export const MAX_DATASET_CHARS: number = 64 * 1024 * 1024;
/** The longest line of a JSONL dataset, in characters. */
export const MAX_CASE_LINE_CHARS: number = 8 * 1024 * 1024;
/** The most cases in one dataset. */
export const MAX_CASES = 10_000;
/** The longest case id. */
export const MAX_CASE_ID_CHARS = 200;
/** What every case id must be, for messages. @internal */
export const CASE_ID_RULE: string = `a non-empty string of at most ${MAX_CASE_ID_CHARS} characters`;

/**
 * Whether `value` can be a case's id: the one check of a dataset's ids and of the run ids that
 * `caseFromRunFile` makes into ids, so a case made from a run always loads. @internal
 */
export function isCaseId(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_CASE_ID_CHARS;
}

/**
 * Reads a JSONL dataset: one case per line (blank lines and lines starting with `//` skipped).
 * Hostile-safe: bounded sizes, only the known fields are copied (an `__proto__` key is data,
 * never a prototype), and a bad line throws an {@link EvalDatasetError} naming its number.
 */
export function parseEvalCases(text: string, source = '<inline>'): EvalCase[] {
  if (text.length > MAX_DATASET_CHARS) {
    throw new EvalDatasetError({
      source,
      problem: `the dataset has ${text.length} characters, more than ${MAX_DATASET_CHARS}; split it into several files.`,
    });
  }
  const cases: EvalCase[] = [];
  const ids = new Set<string>();
  const lines = textLines(text);
  for (let index = 0; index < lines.length; index++) {
    const raw = (lines[index] ?? '').trim();
    if (raw === '' || raw.startsWith('//')) continue;
    const line = index + 1;
    if (raw.length > MAX_CASE_LINE_CHARS) {
      throw new EvalDatasetError({
        source,
        line,
        problem: `the line has ${raw.length} characters, more than ${MAX_CASE_LINE_CHARS}.`,
      });
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new EvalDatasetError({
        source,
        line,
        problem: `not JSON (${(error as Error).message.slice(0, 200)}); each line holds one case object.`,
      });
    }
    const evalCase = toEvalCase(value, source, line);
    if (ids.has(evalCase.id)) {
      throw new EvalDatasetError({
        source,
        line,
        problem: `the id '${evalCase.id}' is used twice; give every case its own id.`,
      });
    }
    ids.add(evalCase.id);
    cases.push(evalCase);
    if (cases.length > MAX_CASES) {
      throw new EvalDatasetError({
        source,
        line,
        problem: `more than ${MAX_CASES} cases; split the dataset.`,
      });
    }
  }
  return cases;
}

/**
 * A JSONL text's lines as an editor shows them (a dataset's, a run file's): after a byte-order
 * mark (RFC 8259 section 8.1 lets a parser ignore one: with it, a run file's run-start line read
 * as not JSON, attack24), split at CRLF, LF or a CR alone (old Mac line ends, or a file edited on
 * two systems: before, read as one line that is not JSON, so a run file gave no case and no
 * trajectory, silently, and a dataset failed at "line 1"). JSON escapes a CR inside a string
 * (RFC 8259 section 7), so a raw one only ends a line; the recorder writes LF. @internal
 */
export function textLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.split(/\r\n|\r|\n/);
}

/**
 * The most levels of objects and arrays in a case, the case itself level 1: past them no
 * comparison judges the values ({@link MAX_COMPARED_DEPTH}), and a line nested 20,000 deep loaded,
 * then its replay failed as a network error ("could not reach …: Maximum call stack size
 * exceeded", attack43a).
 */
export const MAX_CASE_NESTING: number = MAX_COMPARED_DEPTH;

/**
 * The first field of `value` nested past {@link MAX_CASE_NESTING}, or `undefined`. A walk with its
 * own stack: a recursion would overflow on exactly the values it is there to refuse.
 */
function fieldNestedTooDeep(value: Record<string, unknown>): string | undefined {
  for (const [field, item] of Object.entries(value)) {
    const stack: [unknown, number][] = [[item, 2]];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      const [node, level] = next;
      if (typeof node !== 'object' || node === null) continue;
      if (level > MAX_CASE_NESTING) return field;
      const children = Array.isArray(node) ? node : Object.values(node);
      for (const child of children) stack.push([child, level + 1]);
    }
  }
  return undefined;
}

/**
 * Checks one case (from JSONL or a TypeScript dataset) and copies its known fields. Throws an
 * {@link EvalDatasetError} naming the field that is wrong.
 */
export function toEvalCase(value: unknown, source = '<inline>', line?: number): EvalCase {
  const fail = (problem: string): never => {
    throw new EvalDatasetError({ source, line, problem });
  };
  if (!isRecord(value)) return fail('a case must be a JSON object.');
  const id = value['id'];
  if (!isCaseId(id)) return fail(`'id' must be ${CASE_ID_RULE}.`);
  const tooDeep = fieldNestedTooDeep(value);
  if (tooDeep !== undefined) {
    fail(
      `case '${id}': '${tooDeep}' is nested deeper than ${MAX_CASE_NESTING} levels of objects and arrays, past what a comparison judges; flatten it, or leave the case out.`,
    );
  }
  refuseUnknownKeys(value, CASE_KEYS, '', `case '${id}'`, 'A case', fail);
  const evalCase: EvalCase = { id };
  const input = value['input'];
  if (input !== undefined) {
    if (typeof input === 'string') evalCase.input = input;
    else if (Array.isArray(input) && input.every(isRecord)) evalCase.input = input as Content[];
    else fail(`case '${id}': 'input' must be a string or an array of contents.`);
  }
  const conversation = value['conversation'];
  if (conversation !== undefined) {
    if (!isStringArray(conversation) || conversation.length === 0) {
      fail(`case '${id}': 'conversation' must be a non-empty array of user messages (strings).`);
    }
    evalCase.conversation = [...(conversation as string[])];
  }
  const simulatedUser = value['simulatedUser'];
  if (simulatedUser !== undefined) {
    if (
      !isRecord(simulatedUser) ||
      typeof simulatedUser['persona'] !== 'string' ||
      typeof simulatedUser['goal'] !== 'string'
    ) {
      fail(`case '${id}': 'simulatedUser' needs a string 'persona' and 'goal'.`);
    }
    const spec = simulatedUser as Record<string, unknown>;
    const maxTurns = spec['maxTurns'];
    if (
      maxTurns !== undefined &&
      (!Number.isInteger(maxTurns) ||
        (maxTurns as number) < 1 ||
        (maxTurns as number) > MAX_SIMULATED_TURNS)
    ) {
      fail(
        `case '${id}': 'simulatedUser.maxTurns' must be an integer from 1 to ${MAX_SIMULATED_TURNS}.`,
      );
    }
    const firstMessage = spec['firstMessage'];
    if (firstMessage !== undefined && typeof firstMessage !== 'string') {
      fail(`case '${id}': 'simulatedUser.firstMessage' must be a string.`);
    }
    evalCase.simulatedUser = {
      persona: spec['persona'] as string,
      goal: spec['goal'] as string,
      ...(maxTurns === undefined ? {} : { maxTurns: maxTurns as number }),
      ...(firstMessage === undefined ? {} : { firstMessage: firstMessage as string }),
    };
  }
  const given = [evalCase.input, evalCase.conversation, evalCase.simulatedUser].filter(
    (item) => item !== undefined,
  ).length;
  if (given === 0) fail(`case '${id}': give an 'input', a 'conversation' or a 'simulatedUser'.`);
  if (given > 1)
    fail(`case '${id}': give one of 'input', 'conversation' and 'simulatedUser', not several.`);
  const history = value['history'];
  if (history !== undefined) {
    if (!Array.isArray(history) || !history.every(isRecord)) {
      fail(`case '${id}': 'history' must be an array of contents.`);
    }
    evalCase.history = history as Content[];
  }
  const tags = value['tags'];
  if (tags !== undefined) {
    if (!isStringArray(tags)) fail(`case '${id}': 'tags' must be an array of strings.`);
    evalCase.tags = [...(tags as string[])];
  }
  const expected = value['expected'];
  if (expected !== undefined) evalCase.expected = toExpectation(expected, id, fail);
  const fixtures = value['fixtures'];
  if (fixtures !== undefined) evalCase.fixtures = toFixtures(fixtures, id, fail);
  const runFile = value['runFile'];
  if (runFile !== undefined) {
    if (typeof runFile !== 'string') fail(`case '${id}': 'runFile' must be a string.`);
    evalCase.runFile = runFile as string;
  }
  return evalCase;
}

/** The keys a case holds, in the order of its type. */
const CASE_KEYS: readonly string[] = [
  'id',
  'input',
  'conversation',
  'simulatedUser',
  'history',
  'expected',
  'tags',
  'fixtures',
  'runFile',
] satisfies (keyof EvalCase)[];
/** The keys a case's `expected` holds. */
const EXPECTATION_KEYS: readonly string[] = [
  'text',
  'toolCalls',
  'output',
] satisfies (keyof EvalExpectation)[];

/**
 * Refuses a key of `record` that is not one of `known` but a misspelling of one (`expect`,
 * `expected.txt`, `toolcalls`: {@link closestNames} finds the key meant). It was dropped without a
 * word: the case loaded with no expectation, its scorers skipped it and a case with no score
 * passed (evals68), as a misspelt suite key once dropped a gate (attack13); a key built on a
 * known one (`expected_output`) too. A key near none
 * (`notes`, `source`) is still the user's own note and dropped, as before. The key is quoted
 * bounded and escaped ({@link quoteText}): it is the file's, and may hold a line break or a bidi
 * override.
 */
function refuseUnknownKeys(
  record: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
  where: string,
  holder: string,
  fail: (problem: string) => never,
): void {
  for (const key of Object.keys(record)) {
    if (known.includes(key) || record[key] === undefined) continue;
    // Or a name built on a known one (`expected_output`, `expectedText`, as other eval tools
    // name them): a user's note rarely contains a case's key.
    const folded = key.replace(/_/g, '').toLowerCase();
    const hint =
      closestNames({ input: key, candidates: known, limit: 1 })[0] ??
      known.find((name) => name.length >= 4 && folded.includes(name.toLowerCase()));
    if (hint === undefined) continue;
    fail(
      `${where}: unknown key ${quoteText(prefix + key)}. Did you mean '${prefix}${hint}'? ${holder} holds only ${known.join(', ')}.`,
    );
  }
}

function toExpectation(value: unknown, id: string, fail: (p: string) => never): EvalExpectation {
  if (!isRecord(value)) return fail(`case '${id}': 'expected' must be an object.`);
  refuseUnknownKeys(value, EXPECTATION_KEYS, 'expected.', `case '${id}'`, 'An expectation', fail);
  const expectation: EvalExpectation = {};
  const text = value['text'];
  if (text !== undefined) {
    if (typeof text !== 'string') fail(`case '${id}': 'expected.text' must be a string.`);
    expectation.text = text as string;
  }
  const toolCalls = value['toolCalls'];
  if (toolCalls !== undefined) {
    if (!Array.isArray(toolCalls)) fail(`case '${id}': 'expected.toolCalls' must be an array.`);
    expectation.toolCalls = (toolCalls as unknown[]).map((call, index): ExpectedToolCall => {
      if (!isRecord(call) || typeof call['name'] !== 'string') {
        return fail(`case '${id}': 'expected.toolCalls[${index}]' needs a string 'name'.`);
      }
      const args = call['args'];
      if (args !== undefined && !isRecord(args)) {
        return fail(`case '${id}': 'expected.toolCalls[${index}].args' must be an object.`);
      }
      return args === undefined ? { name: call['name'] } : { name: call['name'], args };
    });
  }
  if (Object.hasOwn(value, 'output')) expectation.output = value['output'];
  return expectation;
}

function toFixtures(value: unknown, id: string, fail: (p: string) => never): EvalCaseFixtures {
  if (!isRecord(value) || !Array.isArray(value['modelResponses'])) {
    return fail(`case '${id}': 'fixtures.modelResponses' must be an array of responses.`);
  }
  const fixtures: EvalCaseFixtures = {
    modelResponses: (value['modelResponses'] as unknown[]).map((response, index) =>
      isRecord(response)
        ? response
        : fail(`case '${id}': 'fixtures.modelResponses[${index}]' must be an object.`),
    ),
  };
  const requests = value['requests'];
  if (requests !== undefined) {
    if (!Array.isArray(requests) || !requests.every(isRecord)) {
      fail(`case '${id}': 'fixtures.requests' must be an array of request bodies.`);
    }
    fixtures.requests = requests as EvalCaseFixtures['modelResponses'] as never;
  }
  const toolResults = value['toolResults'];
  if (toolResults !== undefined) {
    if (!Array.isArray(toolResults)) fail(`case '${id}': 'fixtures.toolResults' must be an array.`);
    fixtures.toolResults = (toolResults as unknown[]).map((result, index) =>
      isRecord(result) && typeof result['name'] === 'string'
        ? {
            name: result['name'],
            args: result['args'],
            output: result['output'],
            ...toolResultMarkOf(
              result['toolResult'],
              `case '${id}': 'fixtures.toolResults[${index}].toolResult'`,
              fail,
            ),
          }
        : fail(`case '${id}': 'fixtures.toolResults[${index}]' needs a string 'name'.`),
    );
  }
  const model = value['model'];
  if (model !== undefined) {
    if (typeof model !== 'string' || model === '' || model.length > 200) {
      fail(
        `case '${id}': 'fixtures.model' must be a model name (a string of 1 to 200 characters).`,
      );
    }
    fixtures.model = model as string;
  }
  const subagents = value['subagents'];
  if (subagents !== undefined) {
    if (!Array.isArray(subagents)) fail(`case '${id}': 'fixtures.subagents' must be an array.`);
    fixtures.subagents = (subagents as unknown[]).map((run, index) => toSubagentRun(run, index));
  }
  return fixtures;

  function toSubagentRun(run: unknown, index: number): RecordedSubagentRun {
    const at = `case '${id}': 'fixtures.subagents[${index}]'`;
    if (
      !isRecord(run) ||
      !isStringArray(run['path']) ||
      run['path'].length === 0 ||
      !Array.isArray(run['modelResponses']) ||
      !run['modelResponses'].every(isRecord)
    ) {
      return fail(
        `${at} needs a 'path' (a non-empty array of strings) and 'modelResponses' (an array of responses).`,
      );
    }
    const requests = run['requests'];
    if (requests !== undefined && (!Array.isArray(requests) || !requests.every(isRecord))) {
      fail(`${at}.requests must be an array of request bodies.`);
    }
    return {
      path: [...run['path']],
      modelResponses: run['modelResponses'] as RecordedSubagentRun['modelResponses'],
      ...(requests === undefined
        ? {}
        : { requests: requests as NonNullable<RecordedSubagentRun['requests']> }),
    };
  }
}

/**
 * A recorded tool result's `toolResult` mark (whether its output was `toolResult()`'s, sent as
 * media): absent, or a boolean; anything else is refused, since a replay would guess its meaning.
 */
function toolResultMarkOf(
  mark: unknown,
  where: string,
  fail: (problem: string) => never,
): { toolResult?: boolean } {
  if (mark === undefined) return {};
  if (typeof mark !== 'boolean')
    return fail(
      `${where} must be true (the output was made by toolResult(): its parts are media) or false (the tool's data), or absent.`,
    );
  return { toolResult: mark };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
