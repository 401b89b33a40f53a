import { MissingApiKeyError } from '../../errors/missing-api-key-error.ts';

/** The environment variables read for the key, in order. */
export const API_KEY_VARIABLES: readonly string[] = ['GEMINI_API_KEY', 'GOOGLE_API_KEY'];

/** The environment variable read for the base URL. */
export const BASE_URL_VARIABLE = 'GEMINI_BASE_URL';

/**
 * The one place gemloop reads the environment. Read off `globalThis`, so that runtimes without
 * `process` (browsers, some edge runtimes) simply see no variables, and the portable code names
 * no free `process` (the browser-bundle test holds it so).
 */
function readEnvironment(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  if (typeof env !== 'object' || env === null) return undefined;
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

/**
 * The API key and where it came from: the given one (`from: 'apiKey'`), else `GEMINI_API_KEY`,
 * else `GOOGLE_API_KEY` (`from` names the variable, so a refusal of its value can name it).
 * @throws {@link MissingApiKeyError} naming both variables when there is none, and a variable
 * set under one of their names behind a byte-order mark.
 * @internal
 */
export function loadApiKey(apiKey?: string | undefined): { apiKey: string; from: string } {
  if (apiKey !== undefined) return { apiKey, from: 'apiKey' };
  for (const name of API_KEY_VARIABLES) {
    const value = readEnvironment(name);
    if (value !== undefined) return { apiKey: value, from: name };
  }
  // why (BOM): `node --env-file=.env` and `process.loadEnvFile` keep a byte-order mark (a .env
  // saved by Notepad or PowerShell 5 as "UTF-8 with BOM") in the first name: the key was there,
  // set as "\uFEFFGEMINI_API_KEY", and the error said none was set.
  const behindBom = API_KEY_VARIABLES.find(
    (name) => readEnvironment(`\uFEFF${name}`) !== undefined,
  );
  throw new MissingApiKeyError({ environmentVariables: API_KEY_VARIABLES, behindBom });
}

/**
 * The base URL: the given one, else `GEMINI_BASE_URL`, else `undefined` (the caller's default).
 * @internal
 */
export function loadBaseUrl(baseUrl?: string | undefined): string | undefined {
  return baseUrl ?? readEnvironment(BASE_URL_VARIABLE);
}
