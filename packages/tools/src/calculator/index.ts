export type { CalculatorErrorReason } from './calculator-error.ts';
export { CalculatorError } from './calculator-error.ts';
export type {
  CalculatorToolArgs,
  CalculatorToolOptions,
  CalculatorToolResult,
} from './create-calculator-tool.ts';
export { createCalculatorTool } from './create-calculator-tool.ts';
