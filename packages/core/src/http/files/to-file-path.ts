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
  if (typeof name === 'string') {
    if (FILE_NAME.test(name)) return name;
    if (FILE_ID.test(name)) return `files/${name}`;
  }
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be a file name such as 'files/abc123' (the name files.upload returned); got ${describeName(name)}.`,
  });
}
