import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { RunOptions } from './agent-options.ts';

const runOptionKeys: ReadonlySet<string> = new Set(['signal', 'history', 'historyModel']);

/**
 * Checks the second argument of `run`/`stream`: `undefined` or an object with only the known
 * keys. A misspelt key (`{ sigal }`) would otherwise be ignored silently, and `null` threw a
 * TypeError while destructuring. The values themselves are checked by the loop.
 * @internal
 */
export function checkRunOptions(options: unknown): RunOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError({
      argument: 'options',
      message: `The run options must be an object like { signal, history, historyModel } or left out; got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}.`,
    });
  }
  for (const key of Object.keys(options)) {
    if (!runOptionKeys.has(key)) {
      throw new InvalidArgumentError({
        argument: `options.${key}`,
        message: `Unknown run option '${key}'. The run options are: ${[...runOptionKeys].join(', ')}.`,
      });
    }
  }
  return options as RunOptions;
}
