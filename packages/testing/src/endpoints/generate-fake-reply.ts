import { MAX_TIMER_MS } from '@gemloop/core/internal';
import { getModelCapabilities, type ModelCapabilities } from '@gemloop/core/models';
import type { GenerateContentBody } from '@gemloop/core/wire';
import { checkFakeRequest } from '../contract/check-fake-request.ts';
import { noteServedFields } from '../contract/check-message-fields.ts';
import { buildFakeResponse, buildFakeStreamChunks } from '../replies/build-fake-response.ts';
import { estimatePromptTokens } from '../replies/estimate-usage.ts';
import {
  type FakeHopPlan,
  firstHopPlan,
  isFinalHop,
  markHopChunks,
  readContinuationToken,
} from '../replies/fake-continuation.ts';
import { renderFakeStream } from '../replies/render-fake-stream.ts';
import { resolveFakeTurn } from '../replies/resolve-fake-turn.ts';
import { FAKE_TIER_HEADER, resolveFakeTier } from '../replies/serve-fake-tier.ts';
import { streamFakeCallArguments } from '../replies/stream-fake-call-arguments.ts';
import { type FakeHttpError, fakeErrors, fakeScriptError } from '../script/fake-errors.ts';
import { type FakeFault, selectFaults } from '../script/fake-faults.ts';
import { type FakeTurn, turn } from '../script/fake-turn.ts';
import type { FakeFileSearchResult, FakeRecordedRequest } from '../script/fake-types.ts';
import { readScriptContext } from '../script/read-script-context.ts';
import { tellTurnUndelivered } from '../script/route-by-agent.ts';
import { implicitCacheHit } from '../state/fake-implicit-cache.ts';
import { type FakeRoute, jsonReply } from '../state/fake-reply.ts';
import type { FakeReply, FakeState } from '../state/fake-state.ts';
import { applyCachedContent } from './fake-caches.ts';
import { retrieveFromStores, withFileSearchGrounding } from './fake-file-search-retrieval.ts';
import { checkFileUris } from './fake-files.ts';
import { wantsStreamedArguments } from './fake-vertex.ts';

/** A model call, routed and parsed. @internal */
export type ModelCall = {
  route: FakeRoute;
  model: string;
  body: unknown;
  recorded: FakeRecordedRequest;
  errorStyle: 'json' | 'sse' | 'array';
  /** Served on a Vertex AI route. */
  vertex?: boolean | undefined;
};

const gemini3Defaults = getModelCapabilities('gemini-3-flash-preview');
const gemini25Defaults = getModelCapabilities('gemini-2.5-flash');

/** The capabilities the fake answers with for `model`. @internal */
export function resolveCapabilities(state: FakeState, model: string): ModelCapabilities {
  const cached = state.capabilities.get(model);
  if (cached !== undefined) return cached;
  const { gemini3, capabilities } = state.options;
  const base =
    gemini3 === true
      ? gemini3Defaults
      : gemini3 === false
        ? gemini25Defaults
        : getModelCapabilities(model);
  const resolved = capabilities === undefined ? base : { ...base, ...capabilities };
  // Few distinct models per fake; the bound only guards against a test that invents thousands.
  if (state.capabilities.size < 256) state.capabilities.set(model, resolved);
  return resolved;
}

/**
 * Answers `generateContent` / `streamGenerateContent`: faults first (as quota and overload errors
 * come before validation on the real API), then the contract checks, then the next scripted turn.
 * A scripted turn counts as used only once it was delivered whole.
 * @internal
 */
export async function generateFakeReply(
  state: FakeState,
  modelCall: ModelCall,
): Promise<FakeReply> {
  let call = modelCall;
  const { model, route, recorded, errorStyle } = call;
  const callIndex = state.modelCalls++;
  const selection = selectFaults(
    state.faultRules,
    { callIndex, requestIndex: recorded.index, model, stream: route.stream, body: call.body },
    state.random.next,
  );
  // Each delay is at most MAX_TIMER_MS (checked where given), their sum can pass it: a longer
  // timer would fire at once, the longest one is as good as never for a test.
  const delayMs = Math.min((state.options.latencyMs ?? 0) + selection.latencyMs, MAX_TIMER_MS);
  const fault = selection.fault;
  recorded.fault = fault?.type;
  const withDelay = (reply: FakeReply): FakeReply => ({ ...reply, delayMs });
  const httpError = fault === undefined ? undefined : faultError(fault, model);
  if (httpError !== undefined) return withDelay(jsonReply(state, httpError, errorStyle));
  const capabilities = resolveCapabilities(state, model);
  // With `cachedContent` the request is answered as if the cache's prefix were in it.
  const cached = applyCachedContent(state, call.body, model);
  if (cached !== undefined && 'error' in cached)
    return withDelay(jsonReply(state, cached.error, errorStyle));
  if (cached !== undefined) call = { ...call, body: cached.body };
  const contractError = checkFakeRequest(call.body, {
    model,
    capabilities,
    signatureValidation: state.options.signatureValidation ?? 'issued',
    strictHistory: state.options.strictHistory === true,
    vertex: call.vertex === true,
    served: state.servedFields,
  });
  if (contractError !== undefined) return withDelay(jsonReply(state, contractError, errorStyle));
  const goneFile = checkFileUris(state, call.body);
  if (goneFile !== undefined) return withDelay(jsonReply(state, goneFile, errorStyle));
  const tier = resolveFakeTier(call.body, state.options.serveTier);
  if (!tier.ok) return withDelay(jsonReply(state, tier.error, errorStyle));
  const gemini3 = state.options.gemini3 ?? (capabilities.generation ?? 0) >= 3;
  const faultTurn = fault === undefined ? undefined : outcomeTurn(fault);
  const resumed = readContinuationToken(state, call.body, route.stream);
  if (resumed !== undefined && 'error' in resumed) {
    return withDelay(jsonReply(state, resumed.error, errorStyle));
  }
  let scripted: FakeTurn;
  let fromScript = false;
  let plan: FakeHopPlan | undefined = resumed;
  if (faultTurn !== undefined) {
    scripted = faultTurn;
  } else if (plan !== undefined) {
    scripted = plan.turn;
  } else {
    // File Search: retrieved before the script runs, so it can answer from the chunks.
    const retrieved = retrieveFromStores(
      state,
      call.body,
      readScriptContext(call.body, { callIndex, turnIndex: 0, gemini3, capabilities }).lastUserText,
    );
    if (retrieved !== undefined && 'error' in retrieved)
      return withDelay(jsonReply(state, retrieved.error, errorStyle));
    const next = await nextScriptTurn(
      state,
      call,
      callIndex,
      gemini3,
      capabilities,
      retrieved?.results,
    );
    if ('error' in next) return withDelay(jsonReply(state, next.error, errorStyle));
    scripted =
      retrieved === undefined ? next.turn : withFileSearchGrounding(next.turn, retrieved.results);
    fromScript = true;
    plan = firstHopPlan(scripted, call.body);
  }
  if (faultTurn !== undefined) plan = undefined;
  const prompt = estimatePromptTokens(call.body);
  // A resend's prompt is the request and the output so far (the server re-reads both).
  if (plan !== undefined) prompt.text += plan.outputTokens;
  const resolved = resolveFakeTurn(plan === undefined ? scripted : planTurn(plan), {
    model,
    modelVersion: state.options.modelVersion ?? model,
    gemini3,
    callIds: state.options.callIds ?? gemini3,
    prompt,
    random: state.random,
  });
  // promptTokenCount counts the cached prefix too; cachedContentTokenCount says how much of it.
  if (cached !== undefined && resolved.kind === 'turn')
    resolved.usage.cachedContentTokenCount = cached.cachedTokens;
  if (state.options.implicitCaching === true && cached === undefined) {
    // Remembered for every request, answered or not: the prefix was sent either way.
    const hit = implicitCacheHit(state.implicitCache, model, call.body);
    if (hit > 0 && resolved.kind === 'turn') resolved.usage.cachedContentTokenCount = hit;
  }
  if (tier.served !== undefined && resolved.kind === 'turn') {
    resolved.usage.serviceTier = tier.served;
  }
  const broken = fault !== undefined && faultTurn === undefined;
  // A turn replaced by a fault, or cut by a broken stream, leaves the script where it was; so
  // does a continued turn until its last hop.
  if (faultTurn === undefined && !broken && (plan === undefined || isFinalHop(plan))) {
    state.turnsDelivered++;
  }
  // A script function that keeps its own place (routeByAgent) is told, so it gives it again.
  if (broken && fromScript && typeof state.script === 'function') {
    tellTurnUndelivered(state.script, scripted);
  }
  let streamed = route.stream ? buildFakeStreamChunks(resolved, state.chunkSize) : [];
  let single = route.stream ? [] : [buildFakeResponse(resolved)];
  noteServedFields(state.servedFields, route.stream ? streamed : single);
  if (plan !== undefined) {
    if (route.stream) streamed = markHopChunks(state, plan, streamed, true);
    else single = markHopChunks(state, plan, single, false);
  }
  const reply = route.stream
    ? renderFakeStream(
        state,
        call.vertex === true && wantsStreamedArguments(call.body)
          ? streamFakeCallArguments(streamed)
          : streamed,
        route.alt === 'sse',
        fault,
      )
    : renderFakeStream(state, single, false, fault, true);
  if (tier.served !== undefined) {
    return { ...reply, headers: { ...reply.headers, [FAKE_TIER_HEADER]: tier.served }, delayMs };
  }
  return { ...reply, delayMs };
}

/** The hop a plan serves (a hop's own turn; a missing one is an empty answer). */
function planTurn(plan: FakeHopPlan): FakeTurn {
  return plan.hops[plan.hop] ?? { variant: 'no-parts' };
}

function faultError(fault: FakeFault, model: string): FakeHttpError | undefined {
  switch (fault.type) {
    case 'rate-limit':
      return fakeErrors.rateLimited(model, fault.retryDelaySeconds ?? 1);
    case 'daily-quota':
      return fakeErrors.dailyQuota(model);
    case 'internal':
      return fakeErrors.internal();
    case 'overloaded':
      return fakeErrors.overloaded();
    case 'http-error':
      return fault.error;
    default:
      return undefined;
  }
}

function outcomeTurn(fault: FakeFault): FakeTurn | undefined {
  switch (fault.type) {
    case 'malformed-function-call':
      return turn.malformedFunctionCall();
    case 'too-many-tool-calls':
      return turn.tooManyToolCalls();
    case 'safety':
      return turn.safety();
    case 'blocked-prompt':
      return turn.blocked(fault.blockReason);
    case 'empty-candidates':
      return { variant: 'no-candidates' };
    default:
      return undefined;
  }
}

async function nextScriptTurn(
  state: FakeState,
  call: ModelCall,
  callIndex: number,
  gemini3: boolean,
  capabilities: ModelCapabilities,
  fileSearchResults: readonly FakeFileSearchResult[] | undefined,
): Promise<{ turn: FakeTurn } | { error: FakeHttpError }> {
  const { script } = state;
  let entry: FakeTurn | typeof script | undefined;
  if (typeof script === 'function') {
    entry = script;
  } else {
    entry = script[state.turnsDelivered];
    if (entry === undefined) {
      // callIndex counts from 0 (as the script context does); people count calls from 1.
      return {
        error: fakeScriptError(
          'SCRIPT_EXHAUSTED',
          `The script has no turn for model call #${callIndex + 1} (${script.length} turn(s) scripted, all delivered). Add a turn, or pass a function as the script.`,
        ),
      };
    }
  }
  if (typeof entry !== 'function') return { turn: entry as FakeTurn };
  try {
    const request = {
      model: call.model,
      stream: call.route.stream,
      body: call.body as GenerateContentBody,
    };
    const context = readScriptContext(call.body, {
      callIndex,
      turnIndex: state.turnsDelivered,
      gemini3,
      capabilities,
      fileSearchResults: fileSearchResults ?? [],
    });
    const result: unknown = await entry(request, context);
    // A forgotten `return` (or a value in place of a turn) read as a turn would throw a
    // TypeError deep in the reply (a 500), or answer an empty 200 the test then trips on.
    if (typeof result !== 'object' || result === null || Array.isArray(result)) {
      return {
        error: fakeScriptError(
          'SCRIPT_RETURNED_NO_TURN',
          `The script returned ${kindOf(result)} for model call #${callIndex + 1}, not a turn. Return one (turn.text('...'), turn.calls([...]), ...), or throw to fail the call.`,
        ),
      };
    }
    return { turn: result as FakeTurn };
  } catch (error) {
    return {
      error: fakeScriptError(
        'SCRIPT_THREW',
        `The script threw for model call #${callIndex + 1}: ${thrownMessage(error)}`,
      ),
    };
  }
}

/** What a script returned in place of a turn, by kind only: its value may hold a secret. */
function kindOf(value: unknown): string {
  if (value === undefined) return 'undefined (no return?)';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list (one turn per call)' : `a ${typeof value}`;
}

/** The message of what a script threw; a value whose reads throw (a hostile proxy) has none. */
function thrownMessage(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'a value that cannot be printed';
  }
}
