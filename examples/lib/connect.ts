import { createGemini, type Gemini, type Logger } from '@gemloop/core';
import type { LogLevel } from '@gemloop/core/logging';
import { createLogger } from '@gemloop/core/logging';
import {
  type CreateFakeGeminiOptions,
  createFakeGemini,
  type FakeGemini,
  type FakeScript,
} from '@gemloop/testing';
import { demoModel } from '@gemloop/testing/dev-model';
import { holdModelCall } from './hold-model-call.ts';
import { type ConnectionSettings, offlineBanner, resolveConnection } from './resolve-connection.ts';

/** A client for the real API or for the offline fake, and what to tell the user about it. */
export type Connection = {
  gemini: Gemini;
  model: string;
  /** `true` when requests go to the built-in fake server. */
  offline: boolean;
  /** The fake server, offline (for `fake.requests`); `undefined` online. */
  fake: FakeGemini | undefined;
  /** The `--log` logger (pino, on stderr), for `createAgent({ logger })` too. */
  logger: Logger | undefined;
  settings: ConnectionSettings;
  /** The line to print first: online or offline, and why. */
  banner: string;
  /** Stops the fake server, if any. */
  close(): Promise<void>;
};

/** Options of {@link connect}. */
export type ConnectOptions = {
  /** `--model` */
  model?: string | undefined;
  /** `--base-url` */
  baseUrl?: string | undefined;
  /** `--offline` */
  offline?: boolean | undefined;
  /** `--log <level>`: gemloop's own log lines (JSON, keys redacted) on stderr. */
  logLevel?: LogLevel | undefined;
  /** What the fake answers. @defaultValue `demoModel()`, the offline simulator */
  script?: FakeScript | undefined;
  /** More options of the fake (delays, faults, ...). */
  fakeOptions?: Omit<CreateFakeGeminiOptions, 'script'> | undefined;
  /** @defaultValue process.env */
  env?: Record<string, string | undefined> | undefined;
};

/**
 * Connects the way every example does: the real API when a key is set, else gemloop's built-in
 * fake Gemini on 127.0.0.1 (see {@link resolveConnection}). Offline, the fake streams in small
 * chunks with a short pause so the answer visibly streams; `GEMLOOP_FAKE_CHUNK_DELAY_MS` and
 * `GEMLOOP_FAKE_LATENCY_MS` change that (the chat test makes answers slow enough to cancel), and
 * `GEMLOOP_FAKE_HOLD_CALL` with `GEMLOOP_FAKE_HOLD_FILE` hold one answer until a test releases it
 * (see {@link holdModelCall}).
 */
export async function connect(options: ConnectOptions = {}): Promise<Connection> {
  const env = options.env ?? process.env;
  const settings = resolveConnection({
    env,
    model: options.model,
    baseUrl: options.baseUrl,
    offline: options.offline,
  });
  const logger: Logger | undefined =
    options.logLevel === undefined
      ? undefined
      : createLogger({ level: options.logLevel, destination: process.stderr });

  if (settings.mode === 'online') {
    const gemini = createGemini({
      apiKey: settings.apiKey,
      // Left out when unset: an explicit `baseUrl: undefined` makes the client warn.
      ...(settings.baseUrl === undefined ? {} : { baseUrl: settings.baseUrl }),
      auth: settings.auth,
      logger,
    });
    const where =
      settings.keySource === 'COMETAPI_KEY'
        ? `CometAPI (${gemini.baseUrl})`
        : settings.baseUrl === undefined
          ? 'the Gemini API'
          : gemini.baseUrl;
    return {
      gemini,
      model: settings.model,
      offline: false,
      fake: undefined,
      logger,
      settings,
      banner: `Online: ${settings.model} on ${where}, key from ${settings.keySource}`,
      close: async () => {},
    };
  }

  const scripted = options.script !== undefined;
  const fake = createFakeGemini({
    chunkSize: 16,
    chunkDelayMs: readNumber(env, 'GEMLOOP_FAKE_CHUNK_DELAY_MS') ?? 8,
    latencyMs: readNumber(env, 'GEMLOOP_FAKE_LATENCY_MS') ?? 0,
    ...options.fakeOptions,
    script: held(options.script ?? demoModel(), env),
  });
  const { url } = await fake.listen();
  // Any non-empty key passes the fake's auth check; this one says what it is.
  const gemini = createGemini({ apiKey: 'offline-fake-key', baseUrl: url, logger });
  return {
    gemini,
    model: settings.model,
    offline: true,
    fake,
    logger,
    settings,
    banner: offlineBanner(settings, url, scripted),
    close: () => fake.close(),
  };
}

function readNumber(env: Record<string, string | undefined>, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    throw new Error(`${name} must be a number of milliseconds, got ${JSON.stringify(value)}.`);
  }
  return number;
}

/** The script, with the answer `GEMLOOP_FAKE_HOLD_CALL` names held while `GEMLOOP_FAKE_HOLD_FILE` is missing. */
function held(script: FakeScript, env: Record<string, string | undefined>): FakeScript {
  const call = env['GEMLOOP_FAKE_HOLD_CALL'];
  const file = env['GEMLOOP_FAKE_HOLD_FILE'];
  if (call === undefined || call === '' || file === undefined || file === '') return script;
  if (!/^[1-9]\d*$/.test(call)) {
    throw new Error(
      `GEMLOOP_FAKE_HOLD_CALL must be a model call's number (1, 2, ...), got ${JSON.stringify(call)}.`,
    );
  }
  return holdModelCall(script, Number(call), file);
}
