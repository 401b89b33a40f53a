// @gemloop/core/logging: the Logger interface gemloop logs to (a pino-compatible subset), a
// silent logger, and createLogger, which builds a pino logger with secrets redacted.

export type { CreateLoggerOptions, LogLevel } from './create-logger.ts';
export { createLogger } from './create-logger.ts';
export type { Logger, LogMethod } from './logger.ts';
export { silentLogger } from './logger.ts';
