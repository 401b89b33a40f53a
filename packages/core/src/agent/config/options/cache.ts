import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  defineOptions,
  integerOption,
  numberOption,
  optionCheck,
  stringOption,
} from '../../../options/define-options.ts';
import type { AgentCacheOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

// Apart from prompt-cache/: createAgent checks the option at once, while the cache itself (a
// plugin on the seam) is loaded and made by the agent's first run (bench/README.md, "Cold import").

/** `cache`: the prompt cache the agent manages. @internal */
export const cacheOption: AgentOptionGroup<'cache'> = defineAgentOptions({
  checks: {
    // Refused with cachedContent, so checked with it by checkCacheOption (createAgent).
    cache: checkedWhereUsed,
  },
});

/**
 * Checks the `cache` option of `createAgent`.
 * @throws {@link InvalidArgumentError} naming the field.
 * @internal
 */
export function checkCacheOption(
  value: unknown,
  cachedContent: unknown,
  api?: unknown,
): AgentCacheOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (cachedContent !== undefined) {
    throw invalid(
      'cache',
      'Give cache or cachedContent, not both: cache makes and manages its own cachedContent.',
    );
  }
  // An Interactions request has no field for a cachedContent (to-create-interaction-request):
  // the calls went without it and without the instructions and tools it holds, which the cache
  // leaves out of them, so the model answered as no agent of the caller's (attack65a).
  if (api !== undefined && api !== 'generateContent') {
    throw invalid(
      'cache',
      "cache makes a cachedContent for generateContent requests, which the Interactions API (api: interactionsApi()) has no field for: its calls would go without the instructions and tools the cache holds. Leave cache out with interactionsApi(), or use api: 'generateContent'.",
    );
  }
  if (value === true) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('cache', 'cache must be true or { ttlSeconds?, minTokens?, contents? }.');
  }
  // Checked and read from one copy (attack23): the cache made by the first run read `ttlSeconds`
  // again, so a getter gave the check 600 and the cache NaN.
  return checkOptionsCopy(cacheOptions, value);
}

/** The fields of the `cache` option, declared once (their type is {@link AgentCacheOptions}). */
const cacheOptions = defineOptions<AgentCacheOptions>({
  name: 'cache',
  unknownKey: 'cache has no field',
  path: 'cache',
  example: '{ ttlSeconds?, minTokens?, contents? }',
  checks: {
    ttlSeconds: numberOption({
      min: 1,
      // A protobuf Duration's bound (10,000 years): past it caches.create refuses the TTL, and
      // the cache was given up at the first run, with a warning, instead of here (attack42b).
      max: 315_576_000_000,
      message: 'cache.ttlSeconds must be a number of seconds: 1 to 315576000000.',
    }),
    minTokens: integerOption({
      min: 0,
      message: 'cache.minTokens must be a whole number of tokens.',
    }),
    contents: optionCheck(
      (contents) =>
        typeof contents === 'string' || (Array.isArray(contents) && contents.length > 0),
      'cache.contents must be a string or a non-empty Content[].',
    ),
    displayName: stringOption({ message: 'cache.displayName must be a string.' }),
  },
});

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}
