import { inspect } from 'node:util';
import type { AgentRunError } from '@gemloop/core';
import { SubagentError } from '@gemloop/core/composition';
import { PluginError } from '@gemloop/core/plugins';
import { describe, expect, it } from 'vitest';
import { typedStoredError } from '../../errors/typed-stored-error.ts';
import { childErrorForParent, storedChildError } from './stored-child-error.ts';

// durable64's "Noticed, left alone": a failed child's stored error carries gemloop's own records
// for the parent (what the child spent, `gemloopChildSpend`; the run it ended, `gemloopChildRun`)
// as enumerable properties, since DBOS stores only those. The error the parent (or `runs.result()`
// of the child's id) revives from it is what an app logs: `util.inspect`, `JSON.stringify` and
// pino's err serializer (which copies each enumerable property, `for...in`) showed the spend
// record as a field of the class's data. Revived the way DBOS revives the row.

const KEY = 'AIzaSyD-stored-child-log-0123456789abcd';
const usage = {
  promptTokenCount: 20,
  candidatesTokenCount: 2,
  thoughtsTokenCount: 0,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: 22,
};
const cost = {
  currency: 'USD',
  total: '0.000011',
  input: '0.000006',
  cachedInput: '0',
  output: '0.000005',
  thinking: '0',
};

function run(): AgentRunError['run'] {
  return { contents: [], newContents: [], steps: [], usage, cost } as AgentRunError['run'];
}

/** A child's stored error as the child workflow throws it: its spend record put on it. */
function storedWithSpend(error: Error): Error {
  const stored = storedChildError(error, [KEY]);
  // As durable-children.ts writes it (enumerable: DBOS stores own enumerable properties only).
  (stored as unknown as Record<string, unknown>)['gemloopChildSpend'] = {
    usage,
    cost,
    costKnown: true,
  };
  return stored;
}

/** The stored copy as DBOS gives it back: serialize-error's JSON, revived as plain Errors. */
function revived(error: Error): Error {
  const serialize = (value: Error): Record<string, unknown> => ({
    name: value.name,
    message: value.message,
    stack: value.stack,
    ...JSON.parse(JSON.stringify(value)),
    ...(value.cause instanceof Error ? { cause: serialize(value.cause) } : {}),
  });
  const revive = (record: Record<string, unknown>): Error => {
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
    const cause = record['cause'];
    if (cause !== undefined)
      Object.defineProperty(copy, 'cause', {
        value: revive(cause as Record<string, unknown>),
        enumerable: false,
      });
    return copy;
  };
  return revive(JSON.parse(JSON.stringify(serialize(error))));
}

/** What a log line shows of `error`: inspect, JSON, and every enumerable key pino copies. */
function logged(error: unknown): string {
  const keys: string[] = [];
  for (const key in error as object) keys.push(key);
  return [inspect(error, { depth: 10 }), JSON.stringify(error), keys.join(',')].join('\n');
}

const failures: [string, () => Error][] = [
  [
    'a PluginError (revived as its class)',
    () =>
      new PluginError({
        plugin: 'stopper',
        hook: 'beforeModelCall',
        message: 'Plugin "stopper" failed in beforeModelCall: stop here',
        run: run(),
      }),
  ],
  [
    "an error of the app's own class (left as stored)",
    () => Object.assign(new Error('the vault is shut'), { name: 'VaultError', shelf: 3 }),
  ],
  [
    'a SubagentError from further down',
    () =>
      new SubagentError({
        message: 'The subagent clerk (office#1 > clerk#1) failed: stop here',
        toolName: 'clerk',
        path: ['office#1', 'clerk#1'],
        childRun: run(),
        usage,
        cost: cost as SubagentError['cost'],
        cause: new PluginError({
          plugin: 'stopper',
          hook: 'beforeModelCall',
          message: 'stop here',
          run: run(),
        }),
      }),
  ],
];

describe("a failed child's revived error, as a log line shows it", () => {
  it.each(failures)(
    '%s: its parent reads no gemloop record as a field, on the first run and on a replay',
    (_what, make) => {
      const stored = storedWithSpend(make());
      for (const error of [stored, revived(stored)]) {
        const parent = childErrorForParent(error);
        const shown = logged(parent);
        expect(shown).not.toContain('gemloopChild');
        // The class's data is still shown.
        expect(shown).toContain(make().message.slice(0, 20));
        // A SubagentError in process would wrap it: its cause is shown without them too.
        const wrapped = new SubagentError({
          message: 'The subagent desk failed.',
          toolName: 'desk',
          path: ['desk#1'],
          childRun: undefined,
          usage,
          cost: cost as SubagentError['cost'],
          cause: parent,
        });
        expect(logged(wrapped)).not.toContain('gemloopChild');
      }
    },
  );

  it.each(failures)(
    "%s: runs.result() of the child's own id shows no gemloop record either",
    (_what, make) => {
      const error = typedStoredError(revived(storedWithSpend(make())));
      expect(logged(error)).not.toContain('gemloopChild');
    },
  );

  it("the parent still counts the child's spend: the record is read before it is hidden", () => {
    const error = revived(storedWithSpend(make()));
    const record = (error as unknown as Record<string, unknown>)['gemloopChildSpend'];
    expect(record).toEqual({ usage, cost, costKnown: true });
    childErrorForParent(error);
    // Still there to read (a replay reads the same row again), just not shown.
    expect((error as unknown as Record<string, unknown>)['gemloopChildSpend']).toEqual(record);
  });
});

function make(): Error {
  return (failures[0] as [string, () => Error])[1]();
}
