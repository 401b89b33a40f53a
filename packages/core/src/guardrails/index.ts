// @gemloop/core/guardrails: checks on a run's input, its final answer and its function calls, the
// error a guardrail trip ends a run with, and the safe rewrite of thrown tool errors. Set them on
// the agent (`createAgent({ guardrails })`), a chat session, or one run (`run(input, { guardrails })`).

export type { GuardrailEvent, GuardrailRetractionEvent } from '../agent/agent-event.ts';
export { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
export {
  MAX_TOOL_ERROR_MESSAGE_LENGTH,
  redactLocalDetails,
  safeToolErrorMessage,
} from '../agent/tool-calls/safe-tool-error-message.ts';
export type {
  GuardrailCheckRecord,
  GuardrailPhase,
  GuardrailVerdictKind,
} from '../run/guardrail-check-record.ts';
export type {
  GuardrailBlock,
  GuardrailContext,
  GuardrailPass,
  InputGuardrail,
  InputGuardrailValue,
  InputGuardrailVerdict,
  OutputGuardrail,
  OutputGuardrailValue,
  OutputGuardrailVerdict,
  ToolErrorContext,
  ToolGuardrail,
  ToolGuardrailCall,
  ToolInputGuardrailVerdict,
  ToolOutputGuardrailVerdict,
} from './guardrail.ts';
export type { GuardrailOptions } from './guardrail-options.ts';
export { DEFAULT_GUARDRAIL_TIMEOUT_MS } from './guardrail-options.ts';
// guardrails() makes the value of every `guardrails` option; it carries the checks, so an
// application that never calls it does not bundle them. A subagent (subagent() of
// @gemloop/core/composition) inherits its parent's tool guardrails by itself; joinGuardrails is
// for an agent a hand-written tool runs, which passes what it wants down as
// `run(input, { guardrails: joinGuardrails(inherited, own) })`.
export { type Guardrails, guardrails } from './guardrails.ts';
export { joinGuardrails } from './join-guardrails.ts';
