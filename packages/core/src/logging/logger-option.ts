import type { OptionCheck } from '../options/define-options.ts';
import { checkLogger } from './check-logger.ts';

/**
 * The check of a `logger` option for `defineOptions`: what {@link checkLogger} accepts (child,
 * debug, info, warn and error methods), with its message. For options whose logger is used as
 * given; where the option is resolved, call `checkLogger` there to get the guarded logger.
 * @internal
 */
export const loggerOption: OptionCheck = (value, path) => {
  checkLogger(value, path);
};
