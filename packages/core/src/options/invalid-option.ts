import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';

/** The {@link InvalidArgumentError} of an option check: `path` is the option, `message` the fix. */
export function invalidOption(path: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument: path, message });
}
