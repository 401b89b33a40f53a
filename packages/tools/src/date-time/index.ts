export type { AddToDateArgs, AddToDateResult } from './create-add-to-date-tool.ts';
export type { ConvertTimeArgs, ConvertTimeResult } from './create-convert-time-tool.ts';
export type { CurrentTimeArgs } from './create-current-time-tool.ts';
export type {
  DateDifferenceArgs,
  DateDifferenceResult,
  DifferenceUnit,
} from './create-date-difference-tool.ts';
export type { DateTimeTools, DateTimeToolsOptions } from './create-date-time-tools.ts';
export { createDateTimeTools } from './create-date-time-tools.ts';
export type { DateTimeErrorReason } from './date-time-error.ts';
export { DateTimeError } from './date-time-error.ts';
export type { DateTimeDescription } from './describe-date-time.ts';
