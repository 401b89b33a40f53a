// A chat UI's state and actions in one hook, on @gemloop/client (its SSE parser, reconnects and
// limits: no second parser here). The shape is the one AI SDK users know from `useChat` (vercel/ai,
// packages/react/src/use-chat.ts: `messages`, `status`, `error`, `sendMessage`, `stop`,
// `regenerate`, `setMessages`), with what gemloop adds: tool progress and approvals answered from
// the page.

import {
  type AgentEventsOptions,
  agentEvents,
  answerApproval,
  answerElicitation as answerElicitationRequest,
  type BrowserEvent,
  ClientError,
  checkOptionKeys,
  checkResumePoint,
  type ElicitationAnswer,
  type HeadersOption,
  type MessageFile,
  type MessageFileInput,
  type ReadMessageFilesOptions,
  type ResumePoint,
  readMessageFiles,
} from '@gemloop/client';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import type {
  AgentChatMessage,
  AgentChatState,
  AgentChatStatus,
  AssistantChatMessage,
  ChatError,
} from './agent-chat-message.ts';
import { forgetFiles, initialChatState, nonEmpty, toChatFiles } from './chat-file-previews.ts';
import { isWellFormedEvent } from './is-well-formed-event.ts';
import { readSavedMessages } from './read-saved-messages.ts';
import {
  type AgentChatAction,
  initialAgentChatState,
  reduceAgentChat,
} from './reduce-agent-chat.ts';
import { toError } from './to-error.ts';

/**
 * What `body` gets to build a request: the message to send, its files (read, as data URLs) and the
 * conversation before it.
 */
export type AgentChatRequest = {
  message: string;
  messages: readonly AgentChatMessage[];
  /** The files sent with the message (`send(text, { files })`); `undefined` when none. */
  files?: MessageFile[] | undefined;
};

/** The second argument of `send`. */
export type SendOptions = {
  /**
   * Files to send with the message: an `<input type=file>`'s `FileList`, `File`s, `Blob`s, data
   * URLs. Read in the page (`@gemloop/client`'s `readMessageFiles`, bounded by the hook's `files`
   * option) and sent as `files: [{ url, mediaType, filename, size }]` beside `message`.
   */
  files?: MessageFileInput | undefined;
};

/** Options of {@link useAgentChat}. Read at each call, so they may change between renders. */
export type UseAgentChatOptions = {
  /** The route that streams a run with `@gemloop/core/web` (`toEventStreamResponse`, `writeEventStream`). */
  url: string | URL;
  /**
   * The request body. Default `{ message }` (`{ message, files }` with files), the shape of gemloop's docs. An object is sent with
   * `message` added (`{ ...body, message }`: a conversation id, say); a function builds the whole
   * body (a string as is, anything else as JSON).
   */
  body?: Record<string, unknown> | ((request: AgentChatRequest) => unknown) | undefined;
  /**
   * Headers of every request (an auth header, say): a record, a `Headers` or `[name, value]`
   * pairs, as fetch takes them. Not a function: give the headers themselves (read at each call).
   */
  headers?: HeadersOption | undefined;
  /** The route that takes approval answers (`approvals.handleAnswer`). Default `/approvals`. */
  approvalsUrl?: string | URL | undefined;
  /**
   * The route that takes answers to MCP servers' questions (the elicitation broker's
   * `handleAnswer`, `@gemloop/tools`). Default `/elicitations`.
   */
  elicitationsUrl?: string | URL | undefined;
  /**
   * Where `stop` sends its cancel request (`cancelUrl` of `@gemloop/client`). Default: `url`,
   * when the run's `start` event says `cancellable` (the server keeps a replay buffer).
   */
  cancelUrl?: string | URL | undefined;
  /** The messages to start with (a conversation loaded from elsewhere). */
  initialMessages?: readonly AgentChatMessage[] | undefined;
  /** Called with each error: a stream that failed (`ClientError`), a run that ended with `error`, an approval not accepted. */
  onError?: ((error: ChatError) => void) | undefined;
  /** Called with each event of the run, after the state took it. */
  onEvent?: ((event: BrowserEvent) => void) | undefined;
  /** Called once a run ended (completed, aborted on the server, or failed) with its message. */
  onFinish?: ((message: AssistantChatMessage) => void) | undefined;
  /**
   * Passed to `agentEvents`: `fetch`, `maxReconnects`, `reconnectDelayMs`, the limits and
   * `idleTimeoutMs`; `fetch` and `idleTimeoutMs` also to the answers (`approve`,
   * `answerElicitation`), whose wait for the server's headers the bound covers too.
   */
  client?:
    | Pick<
        AgentEventsOptions,
        | 'fetch'
        | 'maxReconnects'
        | 'reconnectDelayMs'
        | 'maxEventChars'
        | 'maxEvents'
        | 'maxChars'
        | 'idleTimeoutMs'
      >
    | undefined;
  /**
   * The bounds of a message's files (`readMessageFiles`'): `maxFiles` (default 10), `maxBytes`
   * (default 4 MiB in all), `accept` (default the types Gemini reads inline: images, audio,
   * video, PDF, JSON, text). A file past them fails the send before any request, `ClientError`
   * `file-refused`.
   */
  files?: ReadMessageFilesOptions | undefined;
  /**
   * Makes the ids of new messages. Default `msg-1`, `msg-2`, ... per hook; one that is not a
   * non-empty string, or that a message of the chat (or the send's other message) has already, is
   * replaced by the next of those.
   */
  generateId?: (() => string) | undefined;
  /**
   * A run to continue when the hook mounts (a page reload): the point `onResumePoint` gave, with
   * the messages saved with it as `initialMessages`. Read once, at mount; `resume(point)` does the
   * same later.
   */
  resume?: ResumePoint | undefined;
  /**
   * Called with the point a run can be resumed from and the messages that hold every event up to
   * it, after the state took the events that arrived together; with `undefined` once there is
   * nothing to resume (the run finished, was stopped, or can no longer be resumed). Save both
   * together (`sessionStorage`, say) and pass them back as `resume` and `initialMessages` after a
   * reload.
   */
  onResumePoint?:
    | ((point: ResumePoint | undefined, messages: AgentChatMessage[]) => void)
    | undefined;
};

/** What {@link useAgentChat} returns. */
export type UseAgentChatResult = {
  /** The user's messages and the assistant's, the streaming one growing as its events come. */
  messages: AgentChatMessage[];
  /** `streaming` while a run streams, `awaiting-approval` while it waits for the page, `error` after a failure. */
  status: AgentChatStatus;
  /** The last failure (a run's `error` event or the stream's `ClientError`), until the next send. */
  error: ChatError | undefined;
  /**
   * Sends `text` (with `files`, when given) and streams the run's answer into a new assistant
   * message; stops a run still going. A file that cannot be sent fails it before any request
   * (`error`: `ClientError` `file-refused`, no message added), as a `text` that is no string does
   * (`invalid-option` naming `text`: `onClick={send}` hands it the click event). A `send`, `reload`, `resume` or
   * `stop` (or an unmount) while the files are still being read overtakes it: nothing is sent.
   * After the hook unmounted, `send`, `reload` and `resume` do nothing (no Stop could reach
   * their run).
   */
  send(text: string, options?: SendOptions): Promise<void>;
  /**
   * Stops the run: its request is aborted, and a cancel request stops the run on the server at
   * once, also when the server keeps a replay buffer (where a dropped connection alone would
   * leave the run going for its reconnect window).
   */
  stop(): void;
  /**
   * Answers a pending approval (`message.approvals`): `deny` with a `message` the model sees.
   * Resolves `false` when it was not answered: nothing waited under that id any more, or the
   * server refused the answer (`onError` then gets the `ClientError`). Never rejects. A second
   * call for the same approval while its answer is on its way, or after it was accepted (a double
   * click), posts nothing and resolves as the first.
   */
  approve(approvalId: string, decision: 'approve' | 'deny', message?: string): Promise<boolean>;
  /**
   * Answers an MCP server's question (`message.elicitations`): `accept` with the form's `content`
   * (a URL request: the user opened the page), `decline` or `cancel`. Resolves `false` when it was
   * not taken: nothing waits under that id any more, or the server refused it (a field that does
   * not fit: `onError` gets the `ClientError` naming it, and the question stays). Never rejects.
   */
  answerElicitation(id: string, answer: Omit<ElicitationAnswer, 'id'>): Promise<boolean>;
  /**
   * Sends the last user message again, replacing the answer after it (after an error, say). Does
   * nothing after a send refused before any request (a file the chat does not take, `error`
   * `file-refused`): nothing of it was sent, and the answer before it is not the one that failed;
   * nor after a `resume` that added nothing or was refused before any request; the next `send`,
   * `resume` or `setMessages` ends that.
   */
  reload(): Promise<void>;
  /**
   * Continues run `point.runId` from `point.lastEventId` (what `onResumePoint` gave before a
   * reload) into that run's last assistant message, or a new one. Does nothing while that run
   * streams here already; stops another run still going; never
   * rejects: a run the server can no longer resume fails like a broken stream (`ClientError`
   * `resume-unavailable`). The new message of a run the messages did not hold goes again when the
   * resume fails before any event (status `error`, the conversation as it was).
   */
  resume(point: ResumePoint): Promise<void>;
  /**
   * Replaces the messages (the running run, if any, goes on): a list, or a function of the
   * messages the chat shows that returns it, as the AI SDK's `useChat` takes it. Anything else
   * changes nothing and goes to `onError` (`ClientError` `invalid-option` naming `messages`).
   */
  setMessages(
    messages: AgentChatMessage[] | ((messages: AgentChatMessage[]) => AgentChatMessage[]),
  ): void;
};

/**
 * A chat with a gemloop agent streamed by a server with `@gemloop/core/web`: messages with their
 * text as it streams, thoughts, tool calls (`pending` for approval, `running`, `done`, `error`) and
 * pending approvals, a status, and `send`, `stop`, `approve`, `reload`. A broken connection is
 * resumed by `@gemloop/client` when the server keeps a replay buffer; leaving the page (unmount)
 * stops the run.
 *
 * @example
 * ```tsx
 * const { messages, status, send, stop, approve } = useAgentChat({ url: '/chat' });
 * ```
 */
export function useAgentChat(options: UseAgentChatOptions): UseAgentChatResult {
  checkChatOptions(options);
  const [state, dispatch] = useReducer(reduceAgentChat, options.initialMessages, initialChatState);
  // The latest options and messages, read by the actions (stable across renders).
  const latest = useRef({ options, messages: state.messages });
  latest.current = { options, messages: state.messages };
  // The run streaming now: its request's controller, its message, and its id once known (a
  // resumed run's at once, a new one's from its `start`).
  const running = useRef<
    { controller: AbortController; messageId: string; runId?: string | undefined } | undefined
  >(undefined);
  const counter = useRef(0);
  // The files the last user message was sent with, as sent (data URLs), for `reload` (which sends
  // only the last one again): kept out of the state, which a page saves, and only the last send's,
  // so a long chat of photos does not hold every photo's base64; dropped with the message. And the object URLs `send` made for
  // previews, revoked once their message is gone or the chat unmounts.
  const sentFiles = useRef(new Map<string, MessageFile[]>());
  const previews = useRef(new Set<string>());
  // The ids given out since the messages last changed: a send's two ids are made before the
  // state holds either (and two sends in one task before it holds any).
  const issued = useRef({ messages: state.messages, ids: new Set<string>() });
  const nextId = useCallback((): string => {
    const { messages, options: current } = latest.current;
    if (issued.current.messages !== messages) issued.current = { messages, ids: new Set() };
    const { ids } = issued.current;
    const taken = (id: unknown): boolean =>
      typeof id !== 'string' || id === '' || ids.has(id) || messages.some((each) => each.id === id);
    // A page's generator that repeats itself (`String(Date.now())`, twice in one millisecond)
    // gave the user message and its answer one id: a failure or a Stop went to the user message,
    // found first, and the answer showed neither (attack61f). Such an id is replaced as below.
    let id = current.generateId?.();
    // Past the ids of the messages the hook holds: after a reload, `initialMessages` already has
    // `msg-1`, `msg-2`, ... from the page before, and a second `msg-1` would take its place.
    while (taken(id)) {
      counter.current += 1;
      id = `msg-${counter.current}`;
    }
    ids.add(id as string);
    return id as string;
  }, []);

  // Set once the hook unmounted (its stop ran): a `send`, `reload` or `resume` after that (a
  // handler that awaited something, a timer the page left) started a request no Stop or unmount
  // could reach any more (attack61f). Cleared when the effect runs again (StrictMode's remount).
  const unmounted = useRef(false);
  // Whether the chat's last failure is a send refused before any request (`refused`): nothing of
  // it was sent, so `reload` has nothing to send again. It sent the question before it again,
  // replacing that answer and running its tools again (attack61f). So is a resume of a run the
  // messages did not hold that failed before any event: it added nothing (leftovers77b).
  const refused = useRef(false);

  // Counts stops (every send, reload and resume stops first): a send whose files are still being
  // read when it changes was overtaken by a later action of the page and sends nothing (attack58b:
  // it sent once its files were read, beside the later run, where no Stop or unmount reached it).
  const stops = useRef(0);
  const stop = useCallback((): void => {
    stops.current += 1;
    const run = running.current;
    if (run === undefined) return;
    running.current = undefined;
    dispatch({ type: 'stopped', messageId: run.messageId });
    run.controller.abort(new DOMException('Stopped by the user.', 'AbortError'));
  }, []);

  // A send or resume refused before any request (a file the chat does not take, a text that is
  // no string, a point the client refuses): the chat shows why, and nothing was sent.
  const refuse = useCallback((failure: Error): void => {
    refused.current = true;
    dispatch({ type: 'refused', error: failure });
    latest.current.options.onError?.(failure);
  }, []);

  const stream = useCallback(
    async (run: {
      messageId: string;
      /** The chat's state as this run starts: the reducer's, rebuilt here from the events. */
      state: AgentChatState;
      request: AgentChatRequest;
      resume?: ResumePoint | undefined;
      /**
       * The message was added for this run (a resume of a run the messages did not hold): a
       * failure before any event removes it, so the conversation keeps nothing of that run.
       */
      added?: boolean | undefined;
    }) => {
      const { messageId, request } = run;
      const { options: current } = latest.current;
      const controller = new AbortController();
      const runNow = { controller, messageId, runId: run.resume?.runId };
      running.current = runNow;
      // The reducer's result for this run, rebuilt from the events: onFinish and onResumePoint
      // need the messages after the last event, and React's state is not read back synchronously.
      let local = run.state;
      // The events that arrived together (one timer turn: every event of one network read) go to
      // the state as one `events` action, which copies the message once, not once per event.
      let pending: BrowserEvent[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      let point: { value: ResumePoint | undefined } | undefined;
      // Whether any event of the run came (see `added`).
      let heard = false;
      const take = (action: AgentChatAction): void => {
        dispatch(action);
        local = reduceAgentChat(local, action);
      };
      const flush = (): void => {
        clearTimeout(timer);
        timer = undefined;
        if (controller.signal.aborted) return;
        const events = pending;
        pending = [];
        if (events.length > 0) take({ type: 'events', messageId, events });
        const { options: now } = latest.current;
        for (const event of events) {
          now.onEvent?.(event);
          // A malformed error event is dropped by the state; onError does not get it either.
          if (event.type === 'error' && isWellFormedEvent(event)) now.onError?.(event.error);
        }
        if (point !== undefined) {
          const { value } = point;
          point = undefined;
          now.onResumePoint?.(value, local.messages);
        }
      };
      try {
        // Inside the try: a `body` function that throws fails this send like a broken stream
        // (status `error`, onError), since `send` never rejects.
        // `files` only when there are some: a text-only page's body is as it always was.
        const body =
          typeof current.body === 'function'
            ? current.body(request)
            : request.files === undefined
              ? { ...current.body, message: request.message }
              : { ...current.body, message: request.message, files: request.files };
        for await (const event of agentEvents(current.url, {
          ...current.client,
          body,
          headers: current.headers,
          signal: controller.signal,
          cancelUrl: current.cancelUrl,
          resume: run.resume,
          onResumePoint: (value) => {
            point = { value };
          },
        })) {
          if (controller.signal.aborted) return;
          heard = true;
          if (event.type === 'start' && typeof event.runId === 'string') {
            runNow.runId = event.runId;
          }
          pending.push(event);
          timer ??= setTimeout(flush, 0);
        }
        flush();
      } catch (error) {
        if (controller.signal.aborted) return;
        const failure = toError(error);
        // Nothing of the run came (the server refused the resume, `resume-unavailable`): the
        // empty answer added for it would stay, saved with the conversation, after an answer
        // that did not fail, and Retry would send the question before it again (leftovers77b).
        // Removed before `flush` hands the point's end to the page with the messages to save.
        if (run.added === true && !heard) {
          refused.current = true;
          take({ type: 'failed', messageId, error: failure, discard: true });
          flush();
        } else {
          flush();
          take({ type: 'failed', messageId, error: failure });
        }
        latest.current.options.onError?.(failure);
      } finally {
        clearTimeout(timer);
        if (running.current?.controller === controller) running.current = undefined;
        // Stopped here (or unmounted): the run is aborted on the server, nothing to resume.
        if (controller.signal.aborted) {
          latest.current.options.onResumePoint?.(undefined, latest.current.messages);
        }
      }
      const ended = local.messages.find((message) => message.id === messageId);
      if (ended?.role === 'assistant') latest.current.options.onFinish?.(ended);
    },
    [],
  );

  const send = useCallback(
    async (text: string, sendOptions?: SendOptions): Promise<void> => {
      if (unmounted.current) return;
      stop();
      if (typeof text !== 'string') {
        // `<button onClick={send}>` hands it the click event: sent as the message, it became the
        // user message's `text`, and the page's `{message.text}` threw (React unmounted the page).
        // Refused as a file the chat does not take is: nothing sent, nothing added (client68).
        refuse(
          new ClientError({
            code: 'invalid-option',
            option: 'text',
            message: `send takes the message's text as a string; got ${text === null ? 'null' : `a ${typeof text}`} (a click event? call send(input.value) from the handler, not send itself).`,
          }),
        );
        return;
      }
      refused.current = false;
      const ticket = stops.current;
      let files: MessageFile[] | undefined;
      if (sendOptions?.files !== undefined) {
        try {
          files = await readMessageFiles(sendOptions.files, latest.current.options.files);
          if (stops.current !== ticket) return;
        } catch (error) {
          // Overtaken meanwhile: the chat shows the later action, not this refusal.
          if (stops.current !== ticket) return;
          // Nothing was sent: the chat shows why (`file-refused`), the text stays the page's.
          refuse(toError(error));
          return;
        }
      }
      const before = latest.current.messages;
      const action: AgentChatAction = {
        type: 'send',
        userId: nextId(),
        assistantId: nextId(),
        text,
        files: files && toChatFiles(files, sendOptions?.files, previews.current),
      };
      sentFiles.current.clear();
      if (files !== undefined && files.length > 0) sentFiles.current.set(action.userId, files);
      dispatch(action);
      await stream({
        messageId: action.assistantId,
        state: reduceAgentChat(initialAgentChatState(before), action),
        request: { message: text, messages: before, files: nonEmpty(files) },
      });
    },
    [stop, stream, nextId, refuse],
  );

  const reload = useCallback(async (): Promise<void> => {
    if (unmounted.current || refused.current) return;
    stop();
    const messages = latest.current.messages;
    const index = messages.findLastIndex((message) => message.role === 'user');
    const last = messages[index];
    if (last === undefined || last.role !== 'user') return;
    const action: AgentChatAction = { type: 'reload', assistantId: nextId() };
    dispatch(action);
    await stream({
      messageId: action.assistantId,
      state: reduceAgentChat(initialAgentChatState(messages), action),
      request: {
        message: last.text,
        messages: messages.slice(0, index),
        files: nonEmpty(sentFiles.current.get(last.id)),
      },
    });
  }, [stop, stream, nextId]);

  const resume = useCallback(
    async (point: ResumePoint): Promise<void> => {
      if (unmounted.current) return;
      // A point read back from storage may be anything: the client refuses it (failing this
      // resume like a broken stream), the state only needs a string to look the run up by.
      const runId = (point as Partial<ResumePoint> | null | undefined)?.runId;
      // The run streaming here already (a page that resumes on `online`, or in an effect that
      // runs again): it goes on. Its stop below posted the cancel of a cancellable run, so the
      // server ended the run the page meant to go on reading (attack61f).
      if (typeof runId === 'string' && running.current?.runId === runId) return;
      stop();
      // A point the client refuses (forged, an old shape, edited in storage) fails here, before
      // the state adds an empty answer for it: that answer stayed in the conversation, saved with
      // it, an empty bubble with an error after a question it never answered (leftovers76).
      try {
        checkResumePoint(point);
      } catch (error) {
        // Nothing was sent and nothing added: Retry has no failed run to send again (it sent the
        // question before it again, replacing that question's good answer: leftovers78).
        refuse(toError(error));
        return;
      }
      refused.current = false;
      const messages = latest.current.messages;
      const action: AgentChatAction = {
        type: 'resume',
        assistantId: nextId(),
        runId: typeof runId === 'string' ? runId : '',
      };
      dispatch(action);
      const state = reduceAgentChat(initialAgentChatState(messages), action);
      const messageId = state.streamingId as string;
      // The request as the run's first one was: its question and the conversation before it.
      const answer = state.messages.findIndex((message) => message.id === messageId);
      const question = state.messages.findLastIndex(
        (message, index) => index < answer && message.role === 'user',
      );
      const asked = state.messages[question];
      await stream({
        messageId,
        state,
        request: {
          message: asked?.role === 'user' ? asked.text : '',
          messages: state.messages.slice(0, Math.max(0, question)),
        },
        resume: point,
        added: state.messages.length > messages.length,
      });
    },
    [stop, stream, nextId, refuse],
  );

  const postApproval = useCallback(
    async (approvalId: string, decision: 'approve' | 'deny', message?: string) => {
      const { options: current } = latest.current;
      dispatch({ type: 'approval-answered', approvalId, decision });
      try {
        const answered = await answerApproval(
          current.approvalsUrl ?? '/approvals',
          { approvalId, decision, ...(message === undefined ? {} : { message }) },
          // The client's idle bound covers the answer's wait for its headers as the run's.
          {
            headers: current.headers,
            fetch: current.client?.fetch,
            idleTimeoutMs: current.client?.idleTimeoutMs,
          },
        );
        if (!answered) dispatch({ type: 'approval-gone', approvalId });
        return answered;
      } catch (error) {
        // Not accepted: the buttons come back, so the person can try again. Reported through
        // onError rather than thrown: a click handler would leave the rejection unhandled.
        dispatch({ type: 'approval-answered', approvalId, decision: undefined });
        current.onError?.(toError(error));
        return false;
      }
    },
    [],
  );

  // The answers posted, by approval id, on their way or accepted: a second call (a double click,
  // two buttons) gets the first one's promise. Each posted its own answer (leftovers76): the second
  // found nothing waiting any more, so its `approval-gone` removed the approval before the run's
  // `approval-resolved`, and an approved call showed `pending` until its result. One not accepted
  // is forgotten, so the person can answer again.
  const answering = useRef(new Map<string, Promise<boolean>>());
  const approve = useCallback(
    (approvalId: string, decision: 'approve' | 'deny', message?: string): Promise<boolean> => {
      const inFlight = answering.current.get(approvalId);
      if (inFlight !== undefined) return inFlight;
      const answer = postApproval(approvalId, decision, message).then((answered) => {
        if (!answered) answering.current.delete(approvalId);
        return answered;
      });
      answering.current.set(approvalId, answer);
      return answer;
    },
    [postApproval],
  );

  const answerElicitation = useCallback(
    async (id: string, answer: Omit<ElicitationAnswer, 'id'>) => {
      const { options: current } = latest.current;
      try {
        const answered = await answerElicitationRequest(
          current.elicitationsUrl ?? '/elicitations',
          { ...answer, id },
          {
            headers: current.headers,
            fetch: current.client?.fetch,
            idleTimeoutMs: current.client?.idleTimeoutMs,
          },
        );
        // Taken, or gone: either way nothing waits for this page (the run's `elicitation-resolved`
        // confirms the first).
        dispatch({ type: 'elicitation-gone', id });
        return answered;
      } catch (error) {
        current.onError?.(toError(error));
        return false;
      }
    },
    [],
  );

  const setMessages = useCallback(
    (value: AgentChatMessage[] | ((messages: AgentChatMessage[]) => AgentChatMessage[])): void => {
      // An updater, as useChat takes one: the function went to the reducer as the messages and
      // threw "not iterable" there, in React's render (client68).
      const messages = typeof value === 'function' ? value(latest.current.messages) : value;
      if (!Array.isArray(messages)) {
        // Not read as no messages: a page's `setMessages(JSON.parse(stored))` of a "null" would
        // wipe the conversation without a word.
        latest.current.options.onError?.(
          new ClientError({
            code: 'invalid-option',
            option: 'messages',
            message: `setMessages takes a list of messages, or a function of the messages that returns one; got ${messages === null ? 'null' : `a ${typeof messages}`}. The messages are as they were.`,
          }),
        );
        return;
      }
      // Other messages: the refusal is no longer what the chat's last message answers to.
      refused.current = false;
      // Read as the reducer reads them: a `null` file threw here.
      const read = readSavedMessages(messages);
      dispatch({ type: 'set-messages', messages: read });
      forgetFiles(read, sentFiles.current, previews.current);
    },
    [],
  );

  // Leaving the page (unmount) stops the run on the server too, a turn later: StrictMode's
  // development double mount runs this cleanup and the effect again at once, and a stop there
  // posted a cancel for the run the page had just resumed (a resumed run is cancellable), so the
  // server aborted it. The effect running again clears the pending stop; a real unmount keeps it.
  const unmounting = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    clearTimeout(unmounting.current);
    unmounted.current = false;
    return () => {
      unmounting.current = setTimeout(() => {
        unmounted.current = true;
        stop();
        forgetFiles([], sentFiles.current, previews.current);
      }, 0);
    };
  }, [stop]);
  // A run to continue after a reload: once, at mount (the double mount's second run of this
  // effect would stop the first resume and send another).
  const resumedAtMount = useRef(false);
  useEffect(() => {
    if (resumedAtMount.current) return;
    resumedAtMount.current = true;
    const point = latest.current.options.resume;
    if (point !== undefined) void resume(point);
  }, [resume]);

  return {
    messages: state.messages,
    status: state.status,
    error: state.error,
    send,
    stop,
    approve,
    answerElicitation,
    reload,
    resume,
    setMessages,
  };
}

// Every option of useAgentChat. A record typed by the options, so that an option added to the
// type without a line here is a compile error.
const OPTIONS: Readonly<Record<keyof UseAgentChatOptions, 1>> = {
  url: 1,
  body: 1,
  headers: 1,
  approvalsUrl: 1,
  elicitationsUrl: 1,
  cancelUrl: 1,
  initialMessages: 1,
  onError: 1,
  onEvent: 1,
  onFinish: 1,
  client: 1,
  files: 1,
  generateId: 1,
  resume: 1,
  onResumePoint: 1,
};

/**
 * Refuses options that are not an object, or an option `useAgentChat` does not have, naming the
 * one meant (`cancelURL`, `header`, `onEvnt`). A misspelt option was ignored without a word
 * (attack13): `cancelURL` left Stop closing the connection while the run went on spending on the
 * server. The client's own check, so both answer the same (attack14: the near-copy here let
 * `null` through to a TypeError, a number through as no options, and gave no hint for `onEvnt`).
 * The `client` options are checked by `agentEvents`.
 */
function checkChatOptions(options: UseAgentChatOptions): void {
  checkOptionKeys(options, OPTIONS, 'useAgentChat');
}
