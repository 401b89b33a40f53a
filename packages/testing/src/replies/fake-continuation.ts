// Long decode (Gemini 4) as the fake serves it. Hand-written from the clients, not from recorded
// traffic (none was public when this was written): `@google/genai` 3.1.0 (`StreamContinuation`:
// a hop's last chunk has `finishReason: 'CONTINUATION'` and a candidate `continuationToken`;
// intermediate stream chunks may carry checkpoint tokens without a finish reason),
// `@ai-sdk/google` 4.0.121 (`src/continue-google-stream.ts`: the same request resent with the
// token, "the server tracks the cumulative tokens") and google/adk-go
// (`model/gemini/continuation.go`: the resend carries the output so far as a last model content).
// The fake accepts both resend forms and refuses only a token it never issued, an expired one,
// or one sent with another request.
import { isJsonObject } from '@gemloop/core/internal';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import { type FakeHttpError, googleError } from '../script/fake-errors.ts';
import type { FakeTurn } from '../script/fake-turn.ts';
import type { FakeState } from '../state/fake-state.ts';
import { randomBase64Url } from '../state/seeded-random.ts';

/** Where a model call of a continued turn starts. @internal */
export type FakeHopPlan = {
  turn: FakeTurn;
  hops: readonly FakeTurn[];
  hop: number;
  offset: number;
  fingerprint: string;
  contentsLength: number;
  outputTokens: number;
};

/**
 * Reads the request's `continuationToken`: no token (`undefined`), the plan it resumes, or the
 * error the fake answers (a token it never issued, an expired one, another request's).
 * @internal
 */
export function readContinuationToken(
  state: FakeState,
  body: unknown,
  stream: boolean,
): FakeHopPlan | { error: FakeHttpError } | undefined {
  if (!isJsonObject(body) || body['continuationToken'] === undefined) return undefined;
  const token = body['continuationToken'];
  if (typeof token !== 'string' || token === '') {
    return {
      error: googleError(
        400,
        `Invalid value at 'continuation_token' (TYPE_BYTES), ${JSON.stringify(token)}`,
      ),
    };
  }
  const issued = state.continuations.get(token);
  if (issued === undefined) {
    return {
      error: googleError(
        400,
        '[gemloop fake] continuationToken was not issued by this server. Send the token of the previous response of the same request.',
      ),
    };
  }
  if (issued.expired) {
    return {
      error: googleError(
        400,
        '[gemloop fake] continuationToken has expired. Send the request again without it to start the answer over.',
      ),
    };
  }
  const sent = fingerprintOf(body, issued.contentsLength);
  if (sent === undefined || sent !== issued.fingerprint) {
    return {
      error: googleError(
        400,
        '[gemloop fake] continuationToken belongs to another request: send it with the same request (or the same request with the output so far appended as a model content).',
      ),
    };
  }
  if (!stream && issued.offset > 0) {
    return {
      error: googleError(
        400,
        '[gemloop fake] a mid-stream checkpoint token resumes streamGenerateContent only.',
      ),
    };
  }
  const hops = issued.turn.hops ?? [];
  return {
    turn: issued.turn,
    hops,
    hop: issued.hop,
    offset: issued.offset,
    fingerprint: issued.fingerprint,
    contentsLength: issued.contentsLength,
    outputTokens: issued.outputTokens,
  };
}

/** The plan of a continued turn's first hop. @internal */
export function firstHopPlan(turn: FakeTurn, body: unknown): FakeHopPlan | undefined {
  const hops = turn.hops;
  if (hops === undefined || hops.length === 0) return undefined;
  const contents = isJsonObject(body) && Array.isArray(body['contents']) ? body['contents'] : [];
  return {
    turn,
    hops,
    hop: 0,
    offset: 0,
    contentsLength: contents.length,
    fingerprint: fingerprintOf(body, contents.length) ?? '',
    outputTokens: 0,
  };
}

/**
 * The request as a token is bound to it: every field but the token, with the contents the first
 * hop had. A resend may append one model content (the output so far, adk-go's form); anything
 * else makes another request. `undefined` when the body cannot be the same request.
 */
function fingerprintOf(body: unknown, contentsLength: number): string | undefined {
  if (!isJsonObject(body)) return undefined;
  const contents = Array.isArray(body['contents']) ? body['contents'] : [];
  if (contents.length !== contentsLength) {
    const appended = contents[contentsLength];
    if (
      contents.length !== contentsLength + 1 ||
      !isJsonObject(appended) ||
      appended['role'] !== 'model'
    ) {
      return undefined;
    }
  }
  const { continuationToken: _token, contents: _contents, ...rest } = body;
  return JSON.stringify([rest, contents.slice(0, contentsLength)]);
}

function issue(state: FakeState, plan: FakeHopPlan, hop: number, offset: number, output: number) {
  const token = `fake-ct-${state.continuations.size + 1}-${randomBase64Url(state.random, 12)}`;
  state.continuations.set(token, {
    turn: plan.turn,
    hop,
    offset,
    fingerprint: plan.fingerprint,
    contentsLength: plan.contentsLength,
    outputTokens: output,
    expired: false,
  });
  return token;
}

/**
 * Puts the hop's tokens on its chunks: a checkpoint token on every chunk but the last when the
 * turn has `checkpoints`, and on the last chunk of every hop but the final one
 * `finishReason: 'CONTINUATION'` with the next hop's token. Then drops the chunks a checkpoint
 * resume already delivered. For a unary call, `chunks` is the one response.
 * @internal
 */
export function markHopChunks(
  state: FakeState,
  plan: FakeHopPlan,
  chunks: GenerateContentResponse[],
  stream: boolean,
): GenerateContentResponse[] {
  const isFinal = plan.hop === plan.hops.length - 1;
  const lastChunk = chunks[chunks.length - 1];
  const hopOutput = lastChunk?.usageMetadata?.candidatesTokenCount ?? 0;
  const marked = chunks.map((chunk, index) => {
    const isLast = index === chunks.length - 1;
    if (isLast && isFinal) return chunk;
    if (!isLast && !(stream && isCheckpoint(plan.turn.checkpoints, index))) return chunk;
    if (!isLast && index < plan.offset) return chunk;
    const candidate = { ...(chunk.candidates?.[0] ?? { index: 0 }) };
    if (isLast) {
      candidate.finishReason = 'CONTINUATION';
      candidate.continuationToken = issue(
        state,
        plan,
        plan.hop + 1,
        0,
        plan.outputTokens + hopOutput,
      );
    } else {
      candidate.continuationToken = issue(state, plan, plan.hop, index + 1, plan.outputTokens);
    }
    return { ...chunk, candidates: [candidate, ...(chunk.candidates?.slice(1) ?? [])] };
  });
  return plan.offset === 0 ? marked : marked.slice(plan.offset);
}

/** Whether chunk `index` (0-based, not a hop's last) carries a checkpoint token. */
function isCheckpoint(checkpoints: FakeTurn['checkpoints'], index: number): boolean {
  if (checkpoints === true) return true;
  return typeof checkpoints === 'number' && checkpoints > 0 && (index + 1) % checkpoints === 0;
}

/** Whether this hop ends the continued turn (then the script moves on). @internal */
export function isFinalHop(plan: FakeHopPlan): boolean {
  return plan.hop === plan.hops.length - 1;
}
