/** A log method in pino's style: an object of fields first, then the message. */
export type LogMethod = (fields: Record<string, unknown>, message?: string) => void;

/**
 * The logger gemloop writes to: a subset of pino's API, so a pino logger fits as it is, and so does
 * any logger with these methods. gemloop never configures transports or writes to stdout itself.
 */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  trace?: LogMethod | undefined;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /**
   * pino's level check. When present, gemloop skips building log fields for disabled levels, which
   * keeps logging off the hot path of a long stream.
   */
  isLevelEnabled?: ((level: string) => boolean) | undefined;
}

const noop: LogMethod = () => {};

/**
 * The default logger: drops everything, and says so through `isLevelEnabled` so callers skip the
 * work of building fields. It does not load pino.
 */
export const silentLogger: Logger = {
  child: () => silentLogger,
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  isLevelEnabled: () => false,
};

/**
 * Whether `level` is enabled on `logger`. Loggers without `isLevelEnabled` count as enabled.
 * @internal
 */
export function isLevelEnabled(
  logger: Logger,
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error',
): boolean {
  if (level === 'trace' && logger.trace === undefined) return false;
  return logger.isLevelEnabled === undefined ? true : logger.isLevelEnabled(level);
}
