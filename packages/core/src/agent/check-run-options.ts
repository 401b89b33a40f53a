import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { RunOptions } from './agent-options.ts';

const runOptionKeys: ReadonlySet<string> = new Set(['signal', 'history']);

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
      message: `The run options must be an object like { signal, history } or left out; got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}.`,
    });
  }
  for (const key of Object.keys(options)) {
    if (key === 'historyModel') {
      throw new InvalidArgumentError({
        argument: 'options.historyModel',
        message:
          "historyModel was removed: a stored turn says which model wrote it. Pass the history as turns, { history: [{ contents, model: 'gemini-3-flash-preview' }, ...] } (or run(turns) for a history that ends with calls to answer); signatures of turns another model wrote are removed. Chat sessions do this for you.",
      });
    }
    if (!runOptionKeys.has(key)) {
      throw new InvalidArgumentError({
        argument: `options.${key}`,
        message: `Unknown run option '${key}'. The run options are: ${[...runOptionKeys].join(', ')}.`,
      });
    }
  }
  return options as RunOptions;
}
