// @gemloop/core/internal: helpers gemloop's own packages share (@gemloop/tools, @gemloop/testing and
// its dev model). Not part of the public API: names here can change or go in any release, so
// applications should not import them. Kept out of the root barrel on purpose.

// @gemloop/dbos: a subagent inside a durable run runs as a child workflow. The worker finds the
// agents of subagent tools, makes its own copies of them from their options, starts the top run
// with a starter of children, and runs each child below a parent made of plain data.
// The agents its plugins hand to (declaredReceivers: a handoff tool's too) are copied the same way.
export {
  type AgentTurns,
  agentTurnsOf,
  type ChildRunOptions,
} from '../agent/agent-turns.ts';
// @gemloop/dbos: what a child workflow inherits of the runs above it (tool guardrails, plugins).
export { type ChildInheritance, childInheritance } from '../agent/loop/agent-scope.ts';
// @gemloop/dbos: a model step keeps the reports its step's wrappers made while it ran, and a
// replay emits them again instead of the replay's own.
export {
  type ModelStepReports,
  modelStepReportsOf,
} from '../agent/plugins/hook-chains/model-step-reports.ts';
// @gemloop/dbos: a tool step keeps the reports its call's wrappers made while it ran, and a
// replay emits them again.
export {
  type StepReport,
  type ToolStepReports,
  toolStepReportsOf,
} from '../agent/plugins/hook-chains/tool-step-reports.ts';
// A runner's message service checks what it sends and receives as the seam does.
export {
  checkTopic,
  MAX_RUN_MESSAGE_BYTES,
  MAX_RUN_MESSAGES,
  messageJson,
} from '../agent/plugins/messages/run-messages.ts';
// @gemloop/tools: the MCP run link asks whether the calls in flight are one run's (a durable
// run's call has a run view of its own).
export { NOT_AN_ERROR, UNREADABLE } from '../agent/plugins/plugin-error.ts';
// @gemloop/dbos: records the plugin hooks that say their results are not deterministic.
export type { PluginHookRecorder } from '../agent/plugins/run-plugins.ts';
export { isSameRun } from '../agent/plugins/run-view/plugin-run-view.ts';
// @gemloop/dbos: the agents a durable run hands off to, by a stable key (durable hand-offs).
export type { HandOffAgents, RunServices } from '../agent/plugins/run-view/run-services.ts';
export { preloadRunPath } from '../agent/preload-run-path.ts';
// @gemloop/dbos: a child workflow takes its tree budget share down and its spending back up as
// plain data (a failed child's spending too), made and counted by the loop's own meter.
export {
  addChildSpent,
  type ChildBudget,
  type ChildBudgetStop,
  type ChildRunMeter,
  type ChildSpendRecord,
  type ChildSpent,
  childBudgetShare,
  childBudgetStop,
  childBudgetStopError,
  childRunMeter,
  countChildSpend,
} from '../agent/run-state/child-run-meter.ts';
export { ChildSpend } from '../agent/run-state/child-spend.ts';
export {
  type ChildRunCall,
  type ChildRunParent,
  type ChildRunStart,
  type ChildRunStarter,
  childAgentOf,
  // @gemloop/serve/a2a: a remote A2A agent called as a tool streams its answer as a child's
  // events, under the call's path (`name#n`), as a subagent does.
  childRunParent,
  emitAt,
  markChildRunTool,
  runLinkOf,
} from '../agent/run-state/run-link.ts';
// @gemloop/serve/a2a: a remote agent's failed task is a failed call, as a subagent's failed child.
export { DelegatedFailure, delegatedFailureOf } from '../agent/tool-calls/delegated-result.ts';
export { declaredReceivers } from '../agent/tree-keys.ts';
// @gemloop/dbos: the usage of a stored error that kept none.
export { emptyUsage } from '../agent/usage.ts';
// @gemloop/dbos's durable chat turn takes a chat session's `limit`: checked and applied by core's
// own rules, so a durable turn sends what a chat session with that limit sends.
export { checkChatHistoryLimit } from '../chat/check-chat-options.ts';
// @gemloop/dbos's durable chat turn and @gemloop/serve's durable A2A door: one reading of a stored
// conversation (the history and holder a run continues it with) and one turn stored of a run.
export {
  historyOfStoredTurns,
  type StoredTurnsHistory,
} from '../chat/conversation/history-of-stored-turns.ts';
export {
  type StoredTurnOfRunOptions,
  storedTurnOfRun,
} from '../chat/conversation/stored-turn-of-run.ts';
export { unknownChatHolder } from '../chat/conversation/unknown-chat-holder.ts';
// @gemloop/dbos's Postgres chat store reads a row's interaction id as the file store does.
export { readInteractionId } from '../chat/read-interaction-id.ts';
// @gemloop/serve's durable A2A door saves a context's turn on the queue a chat session on the same
// store and id uses, so two saves in one process never both read the same end of the thread.
export { runExclusive } from '../chat/run-exclusive.ts';
// @gemloop/dbos: its Postgres chat store reads a turn's sessionSpend back, and the durable chat
// turn stores the conversation's spend with the turn, as a chat session does.
export { latestSessionSpend, nextSessionSpend, readSessionSpend } from '../chat/session-spend.ts';
// @gemloop/dbos: the durable chat turn stores the model that made the turn, as a chat session does
// (a plugin may have sent its calls to another: a fallback, a router).
export { turnProducer } from '../chat/to-history-turns.ts';
// The compaction bench replays the compaction decision's per-content estimate.
export { estimateSentTokens } from '../compaction/estimate-sent-tokens.ts';
// @gemloop/serve's OpenAI door: whether the agent a hand-off gave the run to has an `output`.
export { checkReceiverNames, findHandoffReceiver } from '../composition/handoff-receiver.ts';
// @gemloop/testing (the fake Gemini): its own errors are told apart from Google's by this domain.
export { FAKE_GEMINI_ERROR_DOMAIN } from '../errors/api-call/describe-api-error.ts';
// @gemloop/tools: a package loaded synchronously on first use (ipaddr.js) stays visible to the
// bundler of an app, and one that cannot load is named (MissingDependencyError).
export { requireDependency } from '../errors/schema-library-not-loaded-error.ts';
// @gemloop/dbos: a durable worker writes no streamed preview for a run that holds its text back.
export { holdsTextBack } from '../guardrails/holds-text-back.ts';
// @gemloop/testing: the fake's usage counts use the client's token estimate.
export {
  estimateContentTokens,
  estimateTokens,
  type TokenEstimate,
} from '../history/estimate-tokens.ts';
export type { JsonObject } from '../history/part-fields.ts';
export {
  hasNonEmptyText,
  isJsonObject,
  listDataFields,
  readField,
  readFunctionCall,
  readFunctionResponse,
  readRole,
  readThoughtSignature,
} from '../history/part-fields.ts';
// @gemloop/testing: a test on fake timers loads the failure path too (preloadRunPath there).
export { preloadFailurePath } from '../http/attempts/preload-failure-path.ts';
// gemloop probe refuses a key no header can carry, as createGemini does; the web fetch tool
// checks its headers when it is made, not on every call (attack17).
export { checkHeaders, describeUnsendable, isWrappedInQuotes } from '../http/check-headers.ts';
// @gemloop/dbos: a durable run's generationConfig is checked at start as a run's is.
export { checkGenerationConfig } from '../http/check-request-fields.ts';
// @gemloop/evals: a forked replay's client hands each model call to the recording or to the live
// client through their own entries, so the request bytes and each client's redaction stay theirs.
export {
  createModelCallEntry,
  type ModelCallEntry,
  modelCallEntryOf,
  registerModelCallEntry,
} from '../http/model-call-entry.ts';
// gemloop probe sends the key to a base URL of its own: plain http only to loopback, as createGemini.
export { LOOPBACK_HOSTNAME } from '../http/options/normalize-base-url.ts';
// @gemloop/serve (a2aAgent), @gemloop/tools (connectMcpHttp, the web fetch tool's headers):
// credentials go over plain http only to loopback, as createGemini's key does.
export {
  type ClearTextHttpCheck,
  checkAllowInsecureHttp,
  refuseClearTextHttp,
} from '../http/options/refuse-clear-text-http.ts';
// @gemloop/serve (a2aAgent) and @gemloop/tools (the MCP client over HTTP): a remote's answer is
// read with a cap, as the Gemini client reads Gemini's.
export {
  type CapResponseBodyOptions,
  capResponseBody,
} from '../http/transport/cap-response-body.ts';
// @gemloop/cli (the probe's capped answer): a body read with a bound and its tiny chunks joined.
export { readReaderBytes } from '../http/transport/read-reader-text.ts';
// @gemloop/serve (a2aAgent) and @gemloop/tools (the MCP client over HTTP): a redirect refused.
export { isRedirectResponse, redirectTarget } from '../http/transport/redirect-target.ts';
// @gemloop/dbos: a durable worker's agents create, poll and cancel interactions as recorded steps.
export {
  type InteractionsBackend,
  registerInteractionsBackend,
} from '../interactions/interactions-backend.ts';
export { loggerOption } from '../logging/logger-option.ts';
// @gemloop/dbos: the Postgres memory store shares the vector stores' checks, bound and exact search.
export {
  createVectorStore,
  type VectorStoreBackend,
} from '../memory/create-vector-store.ts';
export type { EmbeddedMemory } from '../memory/rank-by-similarity.ts';
export { checkMemoryRecord } from '../memory/read-memory-file.ts';
// @gemloop/dbos: what a failed child workflow that recorded no cost counts as; a revived run error's
// run spent nothing (typed-stored-error.ts).
export { unknownCost, zeroCost } from '../models/cost.ts';
// @gemloop/dbos's Postgres chat store reads a row's cost as the file store does (hostile bytes).
export { readCost } from '../models/read-cost.ts';
export { dollarsToPicos, picosToDollars } from '../models/usd.ts';
export {
  arrayOption,
  booleanOption,
  type ClosestNamesOptions,
  checkedWhereUsed,
  checkOptionsCopy,
  closestNames,
  copiedOption,
  copyOptions,
  type DeclaredOptions,
  type DefineOptionsSpec,
  defineOptions,
  describeValue,
  functionOption,
  integerOption,
  invalidOption,
  nestedOption,
  nestedOrOption,
  numberOption,
  type OptionCheck,
  type OptionKeys,
  type OptionMessage,
  type OptionsDeclaration,
  objectOption,
  oneOfOption,
  optionCheck,
  required,
  stringOption,
} from '../options/define-options.ts';
// @gemloop/cli's viewer: a run line's media bytes replaced by what they were.
export { mapMediaData } from '../recorder/map-media-data.ts';
// @gemloop/testing and @gemloop/dbos: a wait that ends early, with the reason, when a signal aborts.
export { sleep } from '../retry/sleep.ts';
// @gemloop/testing: the fake's `await using` key, with the `Symbol.asyncDispose` declaration it needs.
export type { AsyncDispose } from '../shared/async-dispose.ts';
// @gemloop/serve's durable A2A door finds its run's turn in a store that keeps JSON, not its key
// order (Postgres jsonb).
export { canonicalJson } from '../shared/canonical-json.ts';
// @gemloop/testing and gemloop: the longest delay a timer waits, the bound of delay options and flags.
// @gemloop/evals: a judge's and a simulated user's texts cut between characters; @gemloop/serve
// (the MCP door's exposed tools): a result cut with how much was left out.
export { cutText, cutTextNoted, utf8Length } from '../shared/cut-text.ts';
// @gemloop/evals' dataset reader and the CLI's run file readers: bytes that are not UTF-8 refused
// with their line, never read as U+FFFD (attack43a).
export { decodeUtf8File } from '../shared/decode-utf8-file.ts';
// @gemloop/serve's doors and `gemloop view`: the name a Host header names (their Host checks).
// @gemloop/serve's doors and @gemloop/testing's fake: an answer given before the body was read.
export { discardRequestRest } from '../shared/discard-request-rest.ts';
// gemloop's report writers (`--json`, `--junit`, `eval from-runs --out`): a link to a report not made
// yet is written through, as the chat and memory file stores write theirs (cli68).
export { linkedFile } from '../shared/files/linked-file.ts';
// @gemloop/serve's doors and gemloop view: a request with more than one Host line is refused.
// @gemloop/tools (the files tool) and the CLI's report writers make a user's folder with the
// bounded `mkdir -p` (Node's `recursive` loops forever under /proc, attack29).
export { makeFolder, makeFolderSync } from '../shared/files/make-folder.ts';
export { hostLines } from '../shared/host-lines.ts';
export { hostnameOf } from '../shared/hostname-of.ts';
export { MAX_TIMER_MS } from '../shared/max-timer-ms.ts';
// @gemloop/tools (web fetch) and @gemloop/serve (A2A push webhooks): one list of the cloud
// metadata endpoints and one reading of the IPv4 addresses an IPv6 address carries.
export { embeddedIPv4, METADATA_ADDRESSES, METADATA_HOSTS } from '../shared/metadata-endpoints.ts';
// @gemloop/cli's viewer: no recorded Google key (any one's, by its shape), nor the start of a key
// where the viewer cut a text, reaches the page; @gemloop/tools' stdio MCP client: nor the end of
// one where it kept only the last of a server's stderr. @gemloop/dbos: which keys a durable
// chat turn's history was found without (their fingerprint leaves out the keys never looked for).
export {
  createSecretRedactor,
  MIN_KEY_LENGTH,
  redactKeyShapes,
  secretForms,
  withoutCutKey,
  withoutCutKeyAtStart,
} from '../shared/redact-secrets.ts';
// @gemloop/serve: each door's memo of the texts its key filter found clean, so a long text of a
// thread is scanned once across its sends. @gemloop/dbos: whether a durable chat turn's contents
// hold a key (its mark), through its run's memo.
export { createScanMemo } from '../shared/scan-memo.ts';
export { type ScanMemo, scrubSecrets } from '../shared/scrub-secrets.ts';
export { escapeJsonForPrompt, quoteForPrompt } from '../shared/text/quote-for-prompt.ts';
// @gemloop/tools: the model's path, date or pattern as its tools' errors quote it.
export { quoteText } from '../shared/text/quote-text.ts';
// The CLI's terminal, evals' reports, @gemloop/serve's ids and @gemloop/tools' server texts: one
// set of control, line-breaking and bidi characters, escaped, replaced or refused.
export {
  escapeUnprintable,
  hasUnprintable,
  UNPRINTABLE,
  UNPRINTABLE_RUN,
} from '../shared/text/unprintable.ts';
// @gemloop/serve: a door span's `error.type`, named as the run spans name failures.
export { toErrorType } from '../telemetry/to-error-type.ts';
// @gemloop/dbos (readRecordedRuns): a durable run's tool arguments redacted as the recorder
// redacts them, from the secret paths its stored events name.
export {
  type ArgumentRedactor,
  createArgumentRedactor,
} from '../tools/define/argument-redactor.ts';
export { REDACTED_ARGUMENT } from '../tools/define/redact-arguments.ts';
// @gemloop/tools' MCP listing refuses a hostile server's endless `$ref`s before defineTool, and
// checks its tools' arguments without walking them again.
export { createRefsCheckedArgsParser } from '../tools/define/resolve-tool-parameters.ts';
// @gemloop/dbos (a durable tool step) and @gemloop/evals (a recording's replay): a stored tool
// value keeps whether it was a toolResult() (its mark is lost to JSON), and is read back so.
export { fromToolResultMark, toolResultMark } from '../tools/responses/tool-result-mark.ts';
export { findRefProblem } from '../tools/schema/cfworker-check.ts';
// @gemloop/testing's dev model reads `$ref`s as the tool schema conversion does.
export { jsonPointerKey } from '../tools/schema/inline-refs.ts';
// @gemloop/serve's AG-UI door: a pending approval becomes an AG-UI interrupt, answered by a resume.
export type { ApprovalListener, PendingApproval } from '../web/approval-broker.ts';
export { approvalBrokerInternals, checkedApprovalBroker } from '../web/approval-broker.ts';
// @gemloop/serve (an A2A approval's metadata): the model's call shown as the browser protocol bounds it.
export { boundedCallId, boundedToolName } from '../web/call-ids.ts';
// @gemloop/dbos: a durable run's event stream is written without the keys of the run's clients,
// every event at its index (readers resume by offset).
export { type IndexedEvent, IndexedKeyHold } from '../web/indexed-key-hold.ts';
// @gemloop/serve: every door sends a run's events and result without the client's key. gemloop
// chat: what the model writes reaches the terminal without them or the shell's credentials.
export {
  agentKeysOf,
  agentKeysReader,
  keylessEvents,
  keylessEventsShowing,
  keylessFilter,
  keylessResult,
} from '../web/keyless-events.ts';
// @gemloop/serve: its doors read bodies with the same bound and tell callers of a failed run only
// what a page is told (fixed words by code, never the error's message).
export {
  CODED_BODY_MESSAGE,
  hasContentCoding,
  readBoundedText,
} from '../web/read-bounded-text.ts';
// @gemloop/dbos and @gemloop/tools (the MCP elicitation broker): a run's owner is checked as
// core's web doors check it.
export { checkOwnerOption, isRunOwner } from '../web/run-owner.ts';
// @gemloop/serve's AG-UI door: a call's result shown as the browser protocol shows it (attack54).
export { shownToolOutput } from '../web/shown-tool-output.ts';
export { toBrowserError } from '../web/to-browser-error.ts';
export { boundedArgs } from '../web/to-browser-events.ts';
// @gemloop/cli's probe reads a snake_case gateway's answer as the loop does, so its other lines
// judge what gemloop sees.
export { renameToCamelCase } from '../wire/to-camel-case.ts';
export { loadSelectHistory } from './load-select-history.ts';
