import { SubagentError } from '@gemloop/core/composition';
import {
  ContinuationError,
  ModelCallError,
  OutputValidationError,
  TreeBudgetError,
} from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { BUDGET_STOP_PROPERTY } from '../../errors/typed-stored-error.ts';
import { childErrorForParent, storedChildError } from './stored-child-error.ts';

// redact41: a failed child's stored error (its workflow's row, the parent's record of its wait,
// a `gemloop.subagent:*` step) had only the run's keys taken out: a driver's password and
// internal address stayed, in its message and its cause chain. The real rows are read in
// recorded-error.test.ts; these check the copy's bounds and the parent's rebuild.

const KEY = 'sk-gw_Secret-0123456789ABCDEFghij';
const DRIVER = 'connect ECONNREFUSED 10.20.30.40:5432 (postgres://app:hunter2@vault.internal/main)';
const LEAKS = ['hunter2', '10.20.30.40', 'vault.internal', 'postgres://', KEY];

const usage = {
  promptTokenCount: 3,
  candidatesTokenCount: 2,
  thoughtsTokenCount: 0,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: 5,
};

/** A SubagentError whose message, fields and two causes down hold the secrets. */
function subagentFailure(): SubagentError {
  const driver = Object.assign(new Error(DRIVER), { code: 'ECONNREFUSED', host: '10.20.30.40' });
  const plugin = new Error(`Plugin "vault" failed: ${DRIVER} key ${KEY}`, { cause: driver });
  return new SubagentError({
    message: `The subagent clerk (desk > clerk#1) failed: ${DRIVER}`,
    toolName: 'clerk',
    path: ['desk', `clerk#1 ${KEY}`],
    childRun: { contents: [{ role: 'user', parts: [{ text: DRIVER }] }] } as never,
    usage,
    cost: undefined,
    cause: plugin,
  });
}

/** What DBOS gives back on a replay: serialize-error's JSON of the copy, revived as plain Errors. */
function revived(error: Error): Error {
  const revive = (value: unknown): Error => {
    const record = value as Record<string, unknown>;
    const copy = new Error(record['message'] as string);
    for (const [key, item] of Object.entries(record)) {
      if (key === 'cause' || key === 'message') continue;
      Object.defineProperty(copy, key, {
        value: item,
        enumerable: key !== 'name' && key !== 'stack',
        writable: true,
        configurable: true,
      });
    }
    if (record['cause'] !== undefined)
      Object.defineProperty(copy, 'cause', { value: revive(record['cause']), enumerable: false });
    return copy;
  };
  const serialize = (value: Error): Record<string, unknown> => ({
    name: value.name,
    message: value.message,
    stack: value.stack,
    ...JSON.parse(JSON.stringify(value)),
    ...(value.cause instanceof Error ? { cause: serialize(value.cause) } : {}),
  });
  return revive(JSON.parse(JSON.stringify(serialize(error))));
}

/** Everything a copy holds, as DBOS would store it: its fields, names, messages and causes. */
function stored(error: Error): string {
  const parts: unknown[] = [];
  for (let at: unknown = error, depth = 0; at instanceof Error && depth < 20; depth++) {
    parts.push(at.name, at.message, at.stack, { ...at });
    at = at.cause;
  }
  return JSON.stringify(parts);
}

describe('storedChildError', () => {
  it('keeps the class name, code and plain fields, and takes keys and local details out of every text, causes included', () => {
    const copy = storedChildError(subagentFailure(), [KEY]);
    expect(SubagentError.isInstance(copy)).toBe(false);
    expect(copy.name).toBe('SubagentError');
    expect(copy).toMatchObject({
      code: 'subagent',
      toolName: 'clerk',
      path: ['desk', 'clerk#1 [redacted]'],
      usage,
    });
    // The history is not stored by DBOS: not in the copy either (the parent reads the same).
    expect('childRun' in copy).toBe(false);
    const cause = copy.cause as Error;
    expect(cause.message).toBe(
      'Plugin "vault" failed: connect ECONNREFUSED <host> (<url>) key [redacted]',
    );
    expect(cause.cause).toMatchObject({ code: 'ECONNREFUSED', host: '<host>' });
    const text = stored(copy);
    for (const leaked of LEAKS) expect(text).not.toContain(leaked);
    expect(copy.stack).toBe(`SubagentError: ${copy.message}`);
  });

  it('bounds a looping cause chain and leaves out what is not plain data', () => {
    const looping = new Error(`a ${DRIVER}`) as Error & Record<string, unknown>;
    looping.cause = looping;
    looping['agent'] = new (class Pool {
      toJSON = () => DRIVER;
    })();
    Object.defineProperty(looping, 'trap', {
      enumerable: true,
      get: () => {
        throw new Error(DRIVER);
      },
    });
    const copy = storedChildError(looping, []);
    let depth = 0;
    for (let at: unknown = copy; at instanceof Error; at = at.cause) depth++;
    expect(depth).toBe(8);
    expect('agent' in copy).toBe(false);
    expect('trap' in copy).toBe(false);
    for (const leaked of LEAKS) expect(stored(copy)).not.toContain(leaked);
    expect(storedChildError(`thrown ${DRIVER}`, []).message).toBe(
      'thrown connect ECONNREFUSED <host> (<url>)',
    );
  });
});

describe('storedChildError bounds its texts (leftovers41)', () => {
  // A child whose structured answer failed stored the whole answer (`text`) and every issue's
  // words in its row, and in its parent's record of the wait: a megabyte the model wrote, read by
  // whoever reads the database. Each text is cut as a recorded step error is (1,000 characters).
  const huge = 'x'.repeat(200_000);
  const failure = () =>
    new OutputValidationError({
      text: `{"answer": "${huge}"}`,
      issues: Array.from({ length: 20 }, (_, index) => ({
        path: [`field${index}`, huge.slice(0, 5_000)],
        message: `Expected number, got ${huge.slice(0, 20_000)}`,
      })),
      run: { messages: [], steps: [] } as never,
      cause: new Error(`the parser said ${huge}`),
    });

  it('cuts the message, every text field and the cause chain, after the redaction', () => {
    const copy = storedChildError(failure(), [KEY]) as Error & Record<string, unknown>;
    expect(copy.name).toBe('OutputValidationError');
    expect(copy['code']).toBe('output-validation');
    expect(copy.message.length).toBeLessThanOrEqual(1_003);
    expect(copy.message.startsWith("The model's structured answer does not match")).toBe(true);
    expect(copy['text']).toBe(`{"answer": "${'x'.repeat(988)}...`);
    const issues = copy['issues'] as { path: string[]; message: string }[];
    expect(issues).toHaveLength(20);
    for (const issue of issues) {
      expect(issue.message.length).toBeLessThanOrEqual(1_003);
      expect(issue.path[1]?.length).toBeLessThanOrEqual(1_003);
    }
    expect((copy.cause as Error).message.length).toBeLessThanOrEqual(1_003);
    // The row DBOS writes of it: bounded by the fields' number, not by what the model wrote.
    expect(stored(copy).length).toBeLessThan(250_000);
  });

  it('never cuts inside an emoji, and a secret is taken out before the cut', () => {
    const emoji = '😀'.repeat(600);
    const copy = storedChildError(new Error(`${KEY} ${emoji}`), [KEY]);
    expect(copy.message.startsWith('[redacted] ')).toBe(true);
    expect(copy.message).not.toContain(KEY);
    // A lone high surrogate before the marker is no character (a strict JSON reader refuses it).
    expect(copy.message.endsWith('😀...')).toBe(true);
  });

  it('the parent still rebuilds a SubagentError whose stored message was cut', () => {
    const error = new SubagentError({
      message: `The subagent clerk (desk > clerk#1) failed: ${huge}`,
      toolName: 'clerk',
      path: ['desk', 'clerk#1'],
      childRun: undefined,
      usage,
      cost: undefined,
      cause: failure(),
    });
    for (const copy of [storedChildError(error, []), revived(storedChildError(error, []))]) {
      const rebuilt = childErrorForParent(copy);
      expect(SubagentError.isInstance(rebuilt)).toBe(true);
      const subagent = rebuilt as SubagentError;
      expect(subagent.message.startsWith('The subagent clerk (desk > clerk#1) failed: xxx')).toBe(
        true,
      );
      expect(subagent.message.length).toBeLessThanOrEqual(1_003);
      expect(subagent.path).toEqual(['desk', 'clerk#1']);
      expect(subagent.toolName).toBe('clerk');
      expect((subagent.cause as Error).name).toBe('OutputValidationError');
    }
  });
});

describe('childErrorForParent', () => {
  it('rebuilds the same SubagentError from the stored copy (first run) and from its revival (replay)', () => {
    const copy = storedChildError(subagentFailure(), [KEY]);
    const first = childErrorForParent(copy) as SubagentError;
    const replay = childErrorForParent(revived(copy)) as SubagentError;
    for (const error of [first, replay]) {
      expect(SubagentError.isInstance(error)).toBe(true);
      expect(error.childRun).toBeUndefined();
    }
    const seen = (error: SubagentError) => [
      error.name,
      error.message,
      error.toolName,
      error.path,
      error.usage,
      (error.cause as Error).name,
      (error.cause as Error).message,
      ((error.cause as Error).cause as Error & { code?: string }).code,
    ];
    expect(seen(replay)).toEqual(seen(first));
    expect(first.toolName).toBe('clerk');
  });

  it("rebuilds a TreeBudgetError from a step's recorded stop, and leaves other errors as they are", () => {
    const stop = {
      limit: 'tokens',
      max: 10,
      used: 12,
      cost: { total: 0 },
      path: ['records', 'shelf#1'],
      run: { usage },
    };
    const copy = Object.assign(storedChildError(new Error('over'), []), {
      [BUDGET_STOP_PROPERTY]: stop,
    });
    for (const error of [copy, revived(copy)]) {
      const rebuilt = childErrorForParent(error) as TreeBudgetError;
      expect(TreeBudgetError.isInstance(rebuilt)).toBe(true);
      expect([rebuilt.limit, rebuilt.max, rebuilt.used, rebuilt.path]).toEqual([
        'tokens',
        10,
        12,
        ['records', 'shelf#1'],
      ]);
    }
    const plain = storedChildError(new TypeError(DRIVER), []);
    expect(childErrorForParent(plain)).toBe(plain);
    // Named so, yet not one: no `code`.
    const named = Object.assign(new Error('x'), { name: 'SubagentError' });
    expect(childErrorForParent(named)).toBe(named);
    expect(childErrorForParent('text')).toBe('text');
  });
});

describe("a child's ContinuationError max-hops, stored (everywhere42)", () => {
  it('keeps the ModelCallError and its ContinuationError with reason, hops and reconnects, and rebuilds the same for the parent', () => {
    const run = { contents: [], steps: [] } as unknown as ConstructorParameters<
      typeof ModelCallError
    >[0]['run'];
    const cause = new ContinuationError({
      reason: 'max-hops',
      hops: 5,
      reconnects: 2,
      message: 'The answer took 8 requests (continuation.maxHops).',
    });
    const stored = storedChildError(new ModelCallError({ stepNumber: 1, run, cause }), []);
    expect(stored).toMatchObject({ name: 'ModelCallError', code: 'model-call', stepNumber: 1 });
    expect(stored.cause).toMatchObject({
      name: 'ContinuationError',
      code: 'continuation',
      reason: 'max-hops',
      hops: 5,
      reconnects: 2,
    });
    // Not a SubagentError nor a budget stop: the parent throws the stored error as its class
    // (errors43), the first run's copy and the replay's revival alike, its cause typed too.
    for (const error of [stored, revived(stored)]) {
      const thrown = childErrorForParent(error);
      expect(ModelCallError.isInstance(thrown)).toBe(true);
      expect(thrown).toMatchObject({ code: 'model-call', stepNumber: 1 });
      expect(ContinuationError.isInstance((thrown as ModelCallError).cause)).toBe(true);
    }
  });
});
