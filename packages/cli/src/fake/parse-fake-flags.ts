import type { FakeFaultRule, FakeGatewayMistake, FakeModels } from '@gemloop/testing';
import { CliFlagError } from '../cli-flag-error.ts';
import { escapeControls, quotedValue } from '../escape-controls.ts';
import { parseFaultFlag } from './parse-fault-flag.ts';

/** The port `gemloop fake` listens on without `--port`. */
export const DEFAULT_FAKE_PORT = 4320;

/** The scripts `--script` names; anything else must be a file path (`./my-script.js`). */
export const NAMED_SCRIPTS = ['demo', 'probe', 'echo'] as const;

/** What `--script` picked: a named script, or a module file to load. */
export type FakeScriptChoice =
  | { kind: 'named'; name: (typeof NAMED_SCRIPTS)[number] }
  | { kind: 'file'; path: string };

/** `gemloop fake`'s flags, checked. */
export type FakeFlags = {
  port: number;
  host: string;
  script: FakeScriptChoice;
  gatewayMistakes: FakeGatewayMistake[];
  faults: FakeFaultRule[];
  models: FakeModels | undefined;
};

/** The flags as `parseArgs` gives them. */
export type RawFakeFlags = Record<string, string | boolean | string[] | undefined>;

/**
 * Checks `gemloop fake`'s flags: `--port` (0 to 65535, 0 for any free port), `--host`,
 * `--script`, `--gateway-mistakes` (a comma-separated list of `mistakes`), `--fault` (repeatable,
 * see {@link parseFaultFlag}) and `--models` (`pattern`, or a comma-separated list of names).
 * @throws {@link CliFlagError} naming the flag and what it accepts.
 */
export function parseFakeFlags(values: RawFakeFlags, mistakes: readonly string[]): FakeFlags {
  const portText = values['port'];
  const port = readPort(typeof portText === 'string' ? portText : undefined);
  const host = typeof values['host'] === 'string' ? values['host'] : '127.0.0.1';
  // A host name holds no control or bidi character: one did not fail here but in the warning and
  // the DNS error, which printed it raw to the terminal (OSC 52 set the clipboard), so it is
  // refused here with the value escaped.
  if (host === '' || /[\s/]/.test(host) || escapeControls(host) !== host) {
    throw flagError('--host', host, ['127.0.0.1', '::1', 'localhost', 'an interface address']);
  }
  const scriptText = typeof values['script'] === 'string' ? values['script'] : 'demo';
  const script: FakeScriptChoice = (NAMED_SCRIPTS as readonly string[]).includes(scriptText)
    ? { kind: 'named', name: scriptText as (typeof NAMED_SCRIPTS)[number] }
    : looksLikePath(scriptText)
      ? { kind: 'file', path: scriptText }
      : throwFlag('--script', scriptText, [
          ...NAMED_SCRIPTS,
          './file.js',
          './file.mjs',
          './file.ts',
        ]);
  const mistakesText = values['gateway-mistakes'];
  const gatewayMistakes = (typeof mistakesText === 'string' ? splitList(mistakesText) : []).map(
    (mistake) =>
      mistakes.includes(mistake)
        ? (mistake as FakeGatewayMistake)
        : throwFlag('--gateway-mistakes', mistake, mistakes),
  );
  const faultTexts = values['fault'];
  const faults = (Array.isArray(faultTexts) ? faultTexts : []).map(parseFaultFlag);
  const modelsText = values['models'];
  const models: FakeModels | undefined =
    typeof modelsText !== 'string'
      ? undefined
      : modelsText === 'pattern'
        ? 'pattern'
        : splitList(modelsText);
  // A model name holds no control or bidi character: one reached every client raw (the model
  // list, the "not found" errors), where a client that prints it runs the escape.
  const refusedName = Array.isArray(models)
    ? models.find((name) => escapeControls(name) !== name)
    : undefined;
  if ((Array.isArray(models) && models.length === 0) || refusedName !== undefined) {
    throw flagError('--models', refusedName ?? String(modelsText), [
      'pattern',
      'a comma-separated list of models',
    ]);
  }
  return { port, host, script, gatewayMistakes, faults, models };
}

function readPort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_FAKE_PORT;
  // Decimal digits only: Number() would read '' as 0 (any free port) and take 0x10 or 1e3.
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isInteger(port) && port <= 65535) return port;
  throw flagError('--port', text, ['a port number from 0 to 65535 (0 for any free port)']);
}

function looksLikePath(text: string): boolean {
  return /\.(m?js|m?ts|cjs|cts)$/.test(text);
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function flagError(flag: string, value: string, accepted: readonly string[]): CliFlagError {
  return new CliFlagError({
    flag,
    value,
    accepted,
    message: `${flag} ${quotedValue(value)} is not accepted; use ${accepted.join(', ')}.`,
  });
}

function throwFlag(flag: string, value: string, accepted: readonly string[]): never {
  throw flagError(flag, value, accepted);
}
