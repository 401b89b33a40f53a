import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeName } from '../../shared/describe-name.ts';

// `files/<id>`: ids are lowercase letters, digits and dashes (up to 40 characters on Google's API).
const FILE_NAME = /^files\/[A-Za-z0-9_-]{1,128}$/;
const FILE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The resource path of a file: `files/abc` as is, a bare `abc` prefixed; anything else (a path
 * with `..`, a URL) is refused, so a name from a model or a tool cannot aim the request elsewhere.
 * @internal
 */
export function toFilePath(name: unknown, argument = 'name'): string {
  const path = fileNameOf(name);
  if (path !== undefined) return path;
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be a file name such as 'files/abc123' (the name files.upload returned); got ${describeName(name)}.`,
  });
}

/**
 * A file's name as `files/<id>` (`abc` is `files/abc`), or `undefined` when it is neither form:
 * a path with `..`, a URL, anything not a string.
 * @internal
 */
export function fileNameOf(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  if (FILE_NAME.test(name)) return name;
  return FILE_ID.test(name) ? `files/${name}` : undefined;
}
