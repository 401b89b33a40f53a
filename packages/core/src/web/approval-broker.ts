import type {
  BeforeToolCallContext,
  BeforeToolCallDecision,
  BeforeToolCallHook,
} from '../agent/config/agent-options.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { twoCopiesHint } from '../errors/two-copies-hint.ts';
import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  functionOption,
} from '../options/define-options.ts';
import { positiveOption, timerOption } from '../options/positive-option.ts';
import { cutText } from '../shared/cut-text.ts';
import { versionRegistry } from '../version.ts';
import type { BrowserApprovalAnswer } from './browser-event.ts';
import { readBoundedText } from './read-bounded-text.ts';
import { checkOwnerOption, isRunOwner, type RunOwner } from './run-owner.ts';

/** Options of {@link createApprovalBroker}. */
export type ApprovalBrokerOptions = {
  /**
   * Which calls wait for a person; the others run at once. Default: every call. Throwing or
   * rejecting fails the run as a failing `beforeToolCall` does.
   */
  needsApproval?: ((context: BeforeToolCallContext) => boolean | Promise<boolean>) | undefined;
  /** How long a call waits for an answer before it is denied. Default 15 minutes. */
  timeoutMs?: number | undefined;
  /** Calls waiting at once, over every run; past it a call is denied at once. Default 1000. */
  maxPending?: number | undefined;
  /**
   * Calls of one run served to a page waiting at once; past it that run's next call is denied at
   * once, and the other runs' calls still wait: one run cannot take every slot of `maxPending`.
   * Default 20.
   */
  maxPendingPerRun?: number | undefined;
  /**
   * Calls waiting at once over the runs of one owner (the `owner` the runs were served with);
   * past it that owner's next call is denied at once. Runs without an owner are bounded per run
   * only. Default 100.
   */
  maxPendingPerOwner?: number | undefined;
};

/** Who answers: the owner of the request (`owner` of the run it answers must be the same). */
export type ApprovalAnswerOptions = {
  /**
   * The caller's owner ({@link RunOwner}), as the run was served with. An answer for a run of
   * another owner (or for a run with an owner, given none) is refused as if nothing waited.
   */
  owner?: RunOwner | undefined;
};

/**
 * Approvals answered from a page. Pass `beforeToolCall` to `createAgent` and the broker to
 * `toEventStreamResponse` / `writeEventStream` (`approvals`): a call that needs approval then
 * shows on that run's page as an `approval-pending` event whose `approvalId` the page posts back.
 */
export type ApprovalBroker = {
  /** The agent's `beforeToolCall`: waits for the answer to each call that needs approval. */
  readonly beforeToolCall: BeforeToolCallHook;
  /**
   * Answers a pending approval. Returns `false` when no call waits under that id (answered
   * already, timed out, or its run ended) or it waits in a run of another owner
   * ({@link isRunOwner}): the two are one answer, so it tells a stranger nothing.
   * @throws {@link InvalidArgumentError} when `answer` is not a {@link BrowserApprovalAnswer}.
   */
  answer(answer: BrowserApprovalAnswer, options?: ApprovalAnswerOptions): boolean;
  /**
   * A `POST` handler for the page's answers (JSON `{ approvalId, decision, message? }`, at most
   * 16 KB): `204` when answered, `404` when nothing waits under that id for this `owner` (the
   * caller's, from your session, as the run was served with), `400` (with a JSON `{ error }`)
   * for a malformed body.
   */
  handleAnswer(request: Request, options?: ApprovalAnswerOptions): Promise<Response>;
  /** The approvals waiting now. */
  readonly pendingCount: number;
};

/** What a run that serves a page needs of the broker. @internal */
export type ApprovalListener = {
  /** The run's id and owner: approvals are bounded per run and per owner, and answered by the owner. */
  readonly runId: string;
  readonly owner: RunOwner | undefined;
  /** Whether this run showed a `tool-call` event with these very arguments. */
  owns(rawArgs: object): boolean;
  pending(approval: PendingApproval): void;
  resolved(approvalId: string, decision: 'approve' | 'deny'): void;
  /**
   * No answer came within the broker's `timeoutMs`: called before the run gets the denial, so a
   * door whose client is gone can abort the run instead of spending a model call on it.
   */
  expired?(approvalId: string): void;
};

/** A call waiting for its answer. @internal */
export type PendingApproval = {
  approvalId: string;
  stepNumber: number;
  toolCallId: string;
  toolName: string;
  rawArgs: Record<string, unknown>;
  /** When the broker denies it unanswered (`timeoutMs` after it began to wait), ms since the epoch. */
  expiresAt: number;
};

type Entry = PendingApproval & {
  /** The run that showed the call on its page, once one did. */
  run: ApprovalListener | undefined;
  settle(decision: BeforeToolCallDecision, answered?: 'approve' | 'deny', timedOut?: boolean): void;
};

/** The broker's side that runs use. @internal */
export type ApprovalBrokerInternals = {
  listen(listener: ApprovalListener): () => void;
  /** A run showed a `tool-call` with `rawArgs`: hands it the call's pending approval, if any. */
  claim(rawArgs: object, listener: ApprovalListener): void;
};

// why (kept): the user hands the public broker to the page helpers and runs, which
// need its internals; a property on the public object is what CONTRIBUTING rules out.
// Shared by the copies of this version (see `versionRegistry`): @gemloop/serve on a core of its
// own is handed the app's.
const internals = versionRegistry<ApprovalBroker, ApprovalBrokerInternals>('approval-broker');

/** The internals of a broker `createApprovalBroker` made, else `undefined`. @internal */
export function approvalBrokerInternals(broker: unknown): ApprovalBrokerInternals | undefined {
  return typeof broker === 'object' && broker !== null
    ? internals.get(broker as ApprovalBroker)
    : undefined;
}

/**
 * The internals of `approvals` as a page helper or door takes the option: `undefined` when not
 * given, else the broker's.
 * @throws {@link InvalidArgumentError} for anything `createApprovalBroker` (of this version) did
 * not make: such a broker was ignored without a word (the page never showed an approval), as one
 * made by another version of @gemloop/core in the process still would be.
 * @internal
 */
export function checkedApprovalBroker(
  approvals: unknown,
  caller: string,
): ApprovalBrokerInternals | undefined {
  if (approvals === undefined) return undefined;
  const found = approvalBrokerInternals(approvals);
  if (found !== undefined) return found;
  throw new InvalidArgumentError({
    argument: 'approvals',
    message: `${caller}: approvals must be a broker made by createApprovalBroker().${twoCopiesHint(approvals, 'approval-broker', 'broker', 'createApprovalBroker')}`,
  });
}

const MAX_BODY_BYTES = 16 * 1024;
const MAX_DENY_MESSAGE = 1000;

// Unknown keys refused (a misspelt `maxPendingPerRuns` kept the default without a word, attack13);
// each bound is checked where it is read (positiveOption).
const approvalBrokerOptions: DeclaredOptions<ApprovalBrokerOptions> =
  defineOptions<ApprovalBrokerOptions>({
    name: 'createApprovalBroker',
    example: '{ timeoutMs: 60_000 }',
    checks: {
      needsApproval: functionOption(),
      timeoutMs: checkedWhereUsed,
      maxPending: checkedWhereUsed,
      maxPendingPerRun: checkedWhereUsed,
      maxPendingPerOwner: checkedWhereUsed,
    },
  });

/**
 * Creates an {@link ApprovalBroker}.
 *
 * A pending call is paired with the run whose page showed it by the call's own arguments object
 * (the `tool-call` event and `beforeToolCall` get the same one), never by ids the model chose, so
 * a page never sees another run's approvals. The `approvalId` is random (`crypto.randomUUID()`),
 * and an answer counts only from the owner the run was served with (`owner` of
 * `toEventStreamResponse` and of `handleAnswer`): an id that leaked (a log, a proxy) is no key.
 *
 * @throws {@link InvalidArgumentError} for a `timeoutMs` or a `maxPending*` bound that is not a
 *   positive number.
 */
export function createApprovalBroker(given: ApprovalBrokerOptions = {}): ApprovalBroker {
  const options = approvalBrokerOptions.check(given);
  const timeoutMs = timerOption(options.timeoutMs, 15 * 60_000, 'timeoutMs');
  const maxPending = positiveOption(options.maxPending, 1000, 'maxPending');
  const maxPerRun = positiveOption(options.maxPendingPerRun, 20, 'maxPendingPerRun');
  const maxPerOwner = positiveOption(options.maxPendingPerOwner, 100, 'maxPendingPerOwner');
  const needsApproval = options.needsApproval;
  const byId = new Map<string, Entry>();
  const byArgs = new WeakMap<object, Entry>();
  const listeners = new Set<ApprovalListener>();
  // Calls waiting per run and per owner, counted once a run claims them: the global bound alone
  // let one run (one user) hold every slot and deny everyone else's calls for `timeoutMs`.
  const perRun = new Map<ApprovalListener, number>();
  const perOwner = new Map<RunOwner, number>();
  const count = (listener: ApprovalListener, by: 1 | -1): void => {
    bump(perRun, listener, by);
    if (listener.owner !== undefined) bump(perOwner, listener.owner, by);
  };

  /** Hands the call to the run that showed it, or denies it at once past that run's bounds. */
  const assign = (entry: Entry, listener: ApprovalListener): void => {
    const full =
      (perRun.get(listener) ?? 0) >= maxPerRun
        ? `this run already has ${maxPerRun} calls waiting for approval`
        : listener.owner !== undefined && (perOwner.get(listener.owner) ?? 0) >= maxPerOwner
          ? `this user's runs already have ${maxPerOwner} calls waiting for approval`
          : undefined;
    if (full !== undefined) {
      entry.settle({ type: 'deny', message: `The call was not run: ${full}.` });
      return;
    }
    entry.run = listener;
    count(listener, 1);
    listener.pending(entry);
  };

  const offer = (entry: Entry): void => {
    for (const listener of listeners) {
      if (listener.owns(entry.rawArgs)) {
        assign(entry, listener);
        return;
      }
    }
  };

  const wait = (context: BeforeToolCallContext): Promise<BeforeToolCallDecision> => {
    // Aborted while `needsApproval` decided: an abort listener would never fire, and the entry
    // would hold a slot of `maxPending` until the time limit.
    if (context.signal.aborted) {
      return Promise.resolve({ type: 'deny', message: 'The run was aborted before an answer.' });
    }
    if (byId.size >= maxPending) {
      return Promise.resolve({
        type: 'deny',
        message: `The call was not run: ${maxPending} calls already wait for approval.`,
      });
    }
    return new Promise<BeforeToolCallDecision>((resolve) => {
      const approvalId = crypto.randomUUID();
      const cleanup = (): void => {
        clearTimeout(timer);
        context.signal.removeEventListener('abort', onAbort);
        byId.delete(approvalId);
        byArgs.delete(context.rawArgs);
        if (entry.run !== undefined) count(entry.run, -1);
      };
      const entry: Entry = {
        approvalId,
        stepNumber: context.stepNumber,
        toolCallId: context.toolCallId,
        toolName: context.toolName,
        rawArgs: context.rawArgs,
        expiresAt: Date.now() + timeoutMs,
        run: undefined,
        settle(decision, answered, timedOut = false) {
          if (!byId.has(approvalId)) return;
          cleanup();
          if (timedOut) entry.run?.expired?.(approvalId);
          if (answered !== undefined) entry.run?.resolved(approvalId, answered);
          resolve(decision);
        },
      };
      const onAbort = (): void =>
        entry.settle({ type: 'deny', message: 'The run was aborted before an answer.' });
      const timer = setTimeout(
        () =>
          entry.settle(
            { type: 'deny', message: `No one approved the call within ${timeoutMs} ms.` },
            'deny',
            true,
          ),
        timeoutMs,
      );
      // Node: a pending approval alone does not keep the process alive.
      (timer as { unref?: () => void }).unref?.();
      context.signal.addEventListener('abort', onAbort, { once: true });
      byId.set(approvalId, entry);
      byArgs.set(context.rawArgs, entry);
      offer(entry);
    });
  };

  const answer = (value: BrowserApprovalAnswer, answerOptions?: ApprovalAnswerOptions): boolean => {
    const checked = checkAnswer(value);
    const caller = checkOwnerOption(answerOptions?.owner, 'owner');
    const entry = byId.get(checked.approvalId);
    // Another owner's call is refused as an unknown id: the answer says nothing of it.
    if (entry === undefined || !isRunOwner(entry.run?.owner, caller)) return false;
    entry.settle(
      checked.decision === 'approve'
        ? { type: 'approve' }
        : { type: 'deny', message: checked.message ?? 'The user denied this call.' },
      checked.decision,
    );
    return true;
  };

  const broker: ApprovalBroker = {
    beforeToolCall: async (context) => {
      if (needsApproval !== undefined && !(await needsApproval(context)))
        return { type: 'approve' };
      return wait(context);
    },
    answer,
    async handleAnswer(request, answerOptions) {
      // The route's own mistake (a bad owner) throws; it is no 400 for the page to read.
      checkOwnerOption(answerOptions?.owner, 'owner');
      let value: unknown;
      try {
        value = JSON.parse(await readBoundedText(request, MAX_BODY_BYTES));
        return answer(value as BrowserApprovalAnswer, answerOptions)
          ? new Response(null, { status: 204 })
          : Response.json({ error: 'No call waits for approval under this id.' }, { status: 404 });
      } catch (error) {
        // A body with a content coding, which nothing here decodes: RFC 9110's 415, not a 400.
        if (InvalidArgumentError.isInstance(error) && error.argument === 'content-encoding')
          return Response.json({ error: error.message }, { status: 415 });
        const message = InvalidArgumentError.isInstance(error)
          ? error.message
          : 'The body must be JSON: { "approvalId": string, "decision": "approve" | "deny", "message"?: string }, at most 16 KB.';
        return Response.json({ error: message }, { status: 400 });
      }
    },
    get pendingCount() {
      return byId.size;
    },
  };
  internals.set(broker, {
    listen(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    claim(rawArgs, listener) {
      const entry = byArgs.get(rawArgs);
      if (entry === undefined || entry.run !== undefined) return;
      assign(entry, listener);
    },
  });
  return broker;
}

function bump<K>(counts: Map<K, number>, key: K, by: 1 | -1): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}

function checkAnswer(value: unknown): BrowserApprovalAnswer {
  const fix =
    'Send { approvalId, decision: "approve" | "deny", message? } with the approvalId of an approval-pending event.';
  if (typeof value !== 'object' || value === null) {
    throw new InvalidArgumentError({
      argument: 'answer',
      message: `An answer is an object. ${fix}`,
    });
  }
  const { approvalId, decision, message } = value as Record<string, unknown>;
  if (typeof approvalId !== 'string' || approvalId.length === 0 || approvalId.length > 100) {
    throw new InvalidArgumentError({
      argument: 'answer.approvalId',
      message: `answer.approvalId must be a non-empty string. ${fix}`,
    });
  }
  if (decision !== 'approve' && decision !== 'deny') {
    throw new InvalidArgumentError({
      argument: 'answer.decision',
      message: `answer.decision must be "approve" or "deny", not ${JSON.stringify(decision) ?? 'undefined'}. ${fix}`,
    });
  }
  if (message !== undefined && typeof message !== 'string') {
    throw new InvalidArgumentError({
      argument: 'answer.message',
      message: `answer.message must be a string when given. ${fix}`,
    });
  }
  return {
    approvalId,
    decision,
    ...(message === undefined ? {} : { message: denyMessage(message) }),
  };
}

/**
 * The page's reason as the model gets it: at most {@link MAX_DENY_MESSAGE} characters, cut between
 * characters, with lone surrogates (a cut emoji, a hostile page) as U+FFFD: a lone surrogate is
 * no character and has no UTF-8 form, so the model's request would carry an invalid escape.
 */
function denyMessage(message: string): string {
  return cutText(message, MAX_DENY_MESSAGE).replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}
