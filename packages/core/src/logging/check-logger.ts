import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { type Logger, type LogMethod, silentLogger } from './logger.ts';

const METHODS = ['child', 'debug', 'info', 'warn', 'error'] as const;
const LEVEL_METHODS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
// why (kept): a brand on loggers this module already wrapped, so a logger passed on
// to a child or a second agent is not wrapped twice; the logger is the user's object, no run data.
const guarded = new WeakSet<Logger>();

/**
 * Checks a `logger` option and returns it guarded: a logger is the application's code, and one
 * that throws (a closed file, a bug in a hand-written logger) must not fail a model call or a run
 * that succeeded, nor turn into a retried "network" failure. Each method call is wrapped in a
 * try/catch; `child()` returns a guarded child. `undefined` gives the silent logger.
 * @throws {@link InvalidArgumentError} naming `argument` when a method is missing.
 * @internal
 */
export function checkLogger(logger: unknown, argument: string): Logger {
  if (logger === undefined) return silentLogger;
  const missing = missingMethods(logger);
  if (typeof logger !== 'object' || logger === null || missing.length > 0) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must have child, debug, info, warn and error methods (a pino logger fits, or use createLogger()); missing ${missing.join(', ')}.`,
    });
  }
  return guardLogger(logger as Logger);
}

/** The logger with every method made unable to throw. @internal */
export function guardLogger(logger: Logger): Logger {
  if (logger === silentLogger || guarded.has(logger)) return logger;
  const safe: Logger = {
    child(bindings) {
      let child: unknown;
      try {
        child = logger.child(bindings);
      } catch {
        return silentLogger;
      }
      // A child that is not a logger (undefined, `{}`, one method) would make the first log call
      // throw a TypeError in the run: log through the parent instead, without the bindings.
      return missingMethods(child).length === 0 ? guardLogger(child as Logger) : safe;
    },
    debug: wrap(logger, 'debug') as LogMethod,
    info: wrap(logger, 'info') as LogMethod,
    warn: wrap(logger, 'warn') as LogMethod,
    error: wrap(logger, 'error') as LogMethod,
    trace: wrap(logger, 'trace'),
  };
  const isLevelEnabled = logger.isLevelEnabled;
  if (typeof isLevelEnabled === 'function') {
    safe.isLevelEnabled = (level) => {
      try {
        return Boolean(isLevelEnabled.call(logger, level));
      } catch {
        return false;
      }
    };
  }
  guarded.add(safe);
  return safe;
}

function wrap(logger: Logger, level: (typeof LEVEL_METHODS)[number]): LogMethod | undefined {
  // pino's methods use `this`; a logger without `trace` keeps it absent (isLevelEnabled reads that).
  if (typeof logger[level] !== 'function') return undefined;
  return (fields, message) => {
    try {
      (logger[level] as LogMethod).call(logger, fields, message);
    } catch {
      // Logging is best effort: the call or run it describes goes on.
    }
  };
}

/** The methods of the Logger contract that `value` lacks (all of them for null or a primitive). */
function missingMethods(value: unknown): string[] {
  const candidate = value as Record<string, unknown> | null | undefined;
  return METHODS.filter((method) => typeof candidate?.[method] !== 'function');
}
