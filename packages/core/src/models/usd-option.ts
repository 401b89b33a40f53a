import { describeValue, type OptionCheck, optionCheck } from '../options/define-options.ts';
import { dollarsToPicos } from './usd.ts';

/**
 * The check of an option in US dollars (`maxCostUsd` of a run's `budget` and of a chat session's):
 * a number >= 0 or a decimal string, exact to the picodollar. One declaration, so every such
 * option accepts the same values and says the same fix. @internal
 */
export const usdOption: OptionCheck = optionCheck(
  (value) =>
    (typeof value === 'number' || typeof value === 'string') && dollarsToPicos(value) !== undefined,
  (path, value) =>
    `${path} must be US dollars as a number >= 0 or a decimal string, such as 0.5 or '2.00'; got ${describeValue(value)}.`,
);
