// @gemloop/core/internal: helpers gemloop's own packages share (@gemloop/tools, the private
// demo model). Not part of the public API: names here can change or go in any release, so
// applications should not import them. Kept out of the root barrel on purpose.

export { createSecretRedactor } from '../errors/redact-secrets.ts';
export type { JsonObject } from '../history/part-fields.ts';
export {
  hasNonEmptyText,
  isJsonObject,
  readField,
  readFunctionCall,
  readFunctionResponse,
  readRole,
} from '../history/part-fields.ts';
export { loggerOption } from '../logging/logger-option.ts';
export { type ClosestNamesOptions, closestNames } from '../options/closest-names.ts';
export {
  type DeclaredOptions,
  type DefineOptionsSpec,
  defineOptions,
  describeValue,
  invalidOption,
  type OptionCheck,
  type OptionKeys,
  type OptionsDeclaration,
} from '../options/define-options.ts';
export {
  arrayOption,
  booleanOption,
  checkedWhereUsed,
  functionOption,
  integerOption,
  nestedOption,
  numberOption,
  type OptionMessage,
  objectOption,
  oneOfOption,
  optionCheck,
  required,
  stringOption,
} from '../options/option-checks.ts';
