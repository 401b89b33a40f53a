import { redactKeyShapes } from './redact-secrets.ts';

/**
 * Whether `text` holds a Google key or token by its shape, whoever's ({@link redactKeyShapes}), or
 * any of `secrets`. The one scan of a text that `scrubSecrets` makes; its own module so a
 * test can count the characters the doors' key filter reads (scan-count tests).
 * @internal
 */
export function holdsSecret(text: string, secrets: readonly string[]): boolean {
  if (redactKeyShapes(text) !== text) return true;
  for (const secret of secrets) if (text.includes(secret)) return true;
  return false;
}
