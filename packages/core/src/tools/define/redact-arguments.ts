import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { setOwnKey } from '../../shared/set-own-key.ts';

/** What a secret argument's value is replaced with where arguments are observed. */
export const REDACTED_ARGUMENT = '[redacted]';

// A path is at most this many segments deep: arguments are the model's output, and a path only
// ever walks as deep as it is long, so this bounds the walk too.
const MAX_PATH_SEGMENTS = 32;

/**
 * Checks a tool's `secretArguments` option: an array of paths, each a dot-separated list of keys
 * (`password`, `auth.token`), where `*` stands for every key of an object or every item of an
 * array (`accounts.*.password`). Returns the paths split into segments.
 * @throws {@link InvalidArgumentError} naming the tool and the bad path.
 * @internal
 */
export function checkSecretArguments(
  value: unknown,
  toolName: string,
): readonly (readonly string[])[] | undefined {
  if (value === undefined) return undefined;
  const fail = (detail: string): InvalidArgumentError =>
    new InvalidArgumentError({
      argument: 'secretArguments',
      message: `The secretArguments of tool "${toolName}" ${detail}. Give an array of argument paths such as ['password', 'auth.token', 'accounts.*.pin'] ('*' is every key or array item).`,
    });
  if (!Array.isArray(value)) throw fail('must be an array of strings');
  return value.map((path: unknown, index) => {
    if (typeof path !== 'string') throw fail(`has a non-string at [${index}]`);
    const segments = path.split('.');
    if (segments.some((segment) => segment === '')) {
      throw fail(`has an empty key in ${JSON.stringify(path)}`);
    }
    if (segments.length > MAX_PATH_SEGMENTS) {
      throw fail(`has a path deeper than ${MAX_PATH_SEGMENTS} keys`);
    }
    return Object.freeze(segments);
  });
}

/**
 * A copy of `args` with the value at each of `paths` replaced by `'[redacted]'`, for the places
 * where arguments leave the process (run files, spans, logs, errors); `args` itself is not
 * changed. Only the objects on a matched path are copied; a path that is absent is skipped.
 * Non-object `args` come back as they are.
 *
 * @example
 * redactArguments({ user: 'ada', auth: { token: 't' } }, [['auth', 'token']])
 * // { user: 'ada', auth: { token: '[redacted]' } }
 * @internal
 */
export function redactArguments<Args>(args: Args, paths: readonly (readonly string[])[]): Args {
  let result: unknown = args;
  for (const path of paths) result = redactPath(result, path, 0);
  return result as Args;
}

function redactPath(value: unknown, path: readonly string[], depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const key = path[depth] as string;
  const last = depth === path.length - 1;
  const replace = (child: unknown): unknown =>
    last ? REDACTED_ARGUMENT : redactPath(child, path, depth + 1);
  if (Array.isArray(value)) {
    if (key === '*') {
      const items = value.map(replace);
      return items.every((item, index) => item === value[index]) ? value : items;
    }
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= value.length) return value;
    const item = replace(value[index]);
    if (item === value[index]) return value;
    const copy = [...value];
    copy[index] = item;
    return copy;
  }
  const record = value as Record<string, unknown>;
  if (key === '*') {
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(record)) {
      const redacted = replace(child);
      if (redacted !== child) changed = true;
      setOwnKey(copy, name, redacted);
    }
    return changed ? copy : value;
  }
  if (!Object.hasOwn(record, key)) return value;
  const child = replace(record[key]);
  if (child === record[key]) return value;
  const copy: Record<string, unknown> = { ...record };
  setOwnKey(copy, key, child);
  return copy;
}
