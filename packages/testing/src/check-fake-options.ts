import {
  arrayOption,
  booleanOption,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  functionOption,
  integerOption,
  invalidOption,
  MAX_TIMER_MS,
  nestedOption,
  type OptionCheck,
  objectOption,
  oneOfOption,
  optionCheck,
  stringOption,
} from '@gemloop/core/internal';
import type {
  CreateFakeGeminiOptions,
  FakeFilesApiOptions,
  FakeInteractionsOptions,
} from './script/fake-types.ts';
import { GATEWAY_MISTAKES } from './serve/fake-gateway-mistakes.ts';
import type { ListenOptions } from './serve/serve-fake-over-http.ts';

const isString = (value: unknown): boolean => typeof value === 'string';

/** A delay the fake waits on a timer: Node cuts a longer one than MAX_TIMER_MS to 1 ms. */
const isDelay = (value: unknown): boolean =>
  typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS;

const delayMessage = (path: string, value: unknown): string =>
  `${path} must be a number of milliseconds from 0 to ${MAX_TIMER_MS} (Node's longest timer, about 24 days; a longer one fires at once); got ${describeValue(value)}.`;

const milliseconds = optionCheck(isDelay, delayMessage);

/**
 * Checks one fault the fake is given (`faults[i].fault`, `addFault`, `failNext`) where it is
 * given: a latency fault's `ms` is a delay a timer can wait.
 * @throws {@link InvalidArgumentError} naming `${path}.ms`.
 * @internal
 */
export function checkFakeFault(fault: unknown, path: string): void {
  const { type, ms } = (typeof fault === 'object' && fault !== null ? fault : {}) as {
    type?: unknown;
    ms?: unknown;
  };
  if (type === 'latency' && !isDelay(ms))
    throw invalidOption(`${path}.ms`, delayMessage(`${path}.ms`, ms));
}

const faults: OptionCheck = (value, path) => {
  if (!Array.isArray(value)) {
    throw invalidOption(
      path,
      'faults must be an array of fault rules such as { fault: ..., times: 1 }.',
    );
  }
  value.forEach((rule: unknown, index) => {
    checkFakeFault((rule as { fault?: unknown } | null)?.fault, `${path}[${index}].fault`);
  });
};

// A poll count that is no integer (NaN, '2') never compares as spent: a job or interaction that
// never finishes, and a test that waits on it until its time limit. Refused where it is given.
const polls = integerOption({ min: 0 });

const filesApiDeclaration = defineOptions<FakeFilesApiOptions>({
  name: 'createFakeGemini({ filesApi })',
  example: '{ processingPolls: 0, batchPolls: 1 }',
  checks: {
    chunkGranularity: integerOption({ min: 1 }),
    processingPolls: (value, path) => {
      if (typeof value !== 'function') polls(value, path);
    },
    failProcessing: functionOption(),
    breakChunks: arrayOption({
      item: (entry) =>
        typeof entry === 'object' &&
        entry !== null &&
        Number.isInteger((entry as { chunk?: unknown }).chunk) &&
        Number.isInteger((entry as { keepBytes?: unknown }).keepBytes),
      message: 'breakChunks must be an array of { chunk, keepBytes } integers.',
    }),
    batchPolls: polls,
    fileSearchPolls: polls,
  },
});

const interactionsDeclaration = defineOptions<FakeInteractionsOptions>({
  name: 'createFakeGemini({ interactions })',
  example: '{ backgroundPolls: 1, dropStreamAfterEvents: 3 }',
  checks: {
    backgroundPolls: polls,
    holdBackground: functionOption(),
    dropStreamAfterEvents: polls,
  },
});

/**
 * The options of `createFakeGemini`, so a wrong one fails where the fake is made, naming it,
 * instead of as a confusing 400 (or a TypeError turned into a "network" failure) at the first
 * request of a test.
 * @internal
 */
export const fakeOptionsDeclaration: DeclaredOptions<CreateFakeGeminiOptions> =
  defineOptions<CreateFakeGeminiOptions>({
    name: 'createFakeGemini()',
    unknownKey: 'createFakeGemini(): unknown option',
    example: '{ script: [...] } (or nothing)',
    checks: {
      script: optionCheck(
        (script) =>
          typeof script === 'function' ||
          (Array.isArray(script) &&
            script.every(
              (entry) =>
                typeof entry === 'function' || (typeof entry === 'object' && entry !== null),
            )),
        'script must be a list of turns (turn.text(...), turn.call(...), or functions of the request), or one function for every call.',
      ),
      apiKeys: arrayOption({ item: isString, message: 'apiKeys must be an array of strings.' }),
      accessTokens: arrayOption({
        item: isString,
        message: 'accessTokens must be an array of strings.',
      }),
      gemini3: booleanOption('gemini3 must be true or false.'),
      capabilities: objectOption('capabilities must be an object of model-capability overrides.'),
      callIds: booleanOption('callIds must be true or false.'),
      signatureValidation: oneOfOption(
        ['issued', 'present', 'off'],
        "signatureValidation must be 'issued', 'present' or 'off'.",
      ),
      strictHistory: booleanOption('strictHistory must be true or false.'),
      implicitCaching: booleanOption('implicitCaching must be true or false.'),
      models: optionCheck(
        (value) =>
          value === 'pattern' ||
          typeof value === 'function' ||
          (Array.isArray(value) && value.every(isString)),
        "models must be an array of model names, a function of the name, or 'pattern'.",
      ),
      chunkSize: integerOption({
        min: 1,
        message: 'chunkSize must be an integer of at least 1 (characters per chunk).',
      }),
      chunkDelayMs: milliseconds,
      keepRequests: optionCheck(
        (value) =>
          value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && (value as number) >= 1),
        'keepRequests must be an integer of at least 1 (or Infinity: every request).',
      ),
      latencyMs: milliseconds,
      faults,
      seed: optionCheck(
        (value) => typeof value === 'number' && Number.isFinite(value),
        'seed must be a finite number.',
      ),
      modelVersion: stringOption({ message: 'modelVersion must be a string.' }),
      prettyJson: booleanOption('prettyJson must be true or false.'),
      now: functionOption(),
      minCacheTokens: integerOption({ min: 0 }),
      gatewayMistakes: (mistakes, path) => {
        const list = Array.isArray(mistakes) ? mistakes : [mistakes];
        const at = list.findIndex((mistake) => !GATEWAY_MISTAKES.includes(mistake));
        if (at !== -1) {
          throw invalidOption(
            path,
            `gatewayMistakes: unknown mistake ${describeValue(list[at])}; the mistakes are ${GATEWAY_MISTAKES.join(', ')}.`,
          );
        }
      },
      serveTier: functionOption('serveTier must be a function (requested) => served tier.'),
      onRequest: functionOption('onRequest must be a function (request) => void.'),
      embed: functionOption(
        'embed must be a function ({ model, text, parts, dimensions }) => number[].',
      ),
      interactions: nestedOption(interactionsDeclaration as DeclaredOptions<unknown>),
      filesApi: nestedOption(filesApiDeclaration as DeclaredOptions<unknown>),
    },
  });

/**
 * Checks the options of `createFakeGemini`.
 * @throws {@link InvalidArgumentError} naming the option.
 * @internal
 */
export function checkFakeOptions(options: unknown): asserts options is CreateFakeGeminiOptions {
  fakeOptionsDeclaration.check(options);
}

const listenOptionsDeclaration = defineOptions<ListenOptions>({
  name: 'fake.listen options',
  example: '{ port: 0, maxBodyBytes: 10 * 1024 * 1024 }',
  checks: {
    port: integerOption({ min: 0, max: 65_535 }),
    host: stringOption(),
    cors: booleanOption(),
    maxBodyBytes: integerOption({
      min: 1,
      message: 'maxBodyBytes must be an integer of at least 1 (bytes of a request body).',
    }),
  },
});

/**
 * Checks the options of `fake.listen()`.
 * @throws {@link InvalidArgumentError} naming the option.
 * @internal
 */
export function checkListenOptions(options: unknown): asserts options is ListenOptions {
  listenOptionsDeclaration.check(options);
}
