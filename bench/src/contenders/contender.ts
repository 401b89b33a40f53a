/** Where a contender sends its calls and how hard it may loop. */
export type LoopContext = {
  /** `http://127.0.0.1:<port>/c/<contender>/<script>`: the Gemini base URL, without `/v1beta`. */
  baseUrl: string;
  apiKey: string;
  /** Step limit of the loop; every script ends well before it. */
  maxSteps: number;
  /**
   * The `fetch` to call the server with (the in-process server of the overhead scenario);
   * `globalThis.fetch` when absent. A library without a `fetch` option gets it as the global.
   */
  fetch?: typeof globalThis.fetch | undefined;
};

/** A configured tool loop: one `run` is one whole conversation from prompt to final answer. */
export type LoopRunner = {
  /** Runs the loop on `prompt` and returns the final answer's text. */
  run(prompt: string): Promise<string>;
};

/** A chat whose history the contender keeps: each `send` is one user turn and one model reply. */
export type ChatSession = {
  /** Sends one user message with the whole history and returns the reply's text. */
  send(text: string): Promise<string>;
  /** Turns stored so far (user + model pairs), to check nothing was lost. */
  storedTurns(): Promise<number>;
};

/** One way of running the tool loop: a library and a mode (plain or streaming). */
export type Contender = {
  /** Unique, URL-safe: `gemloop.run`, `ai-sdk.streamText`, ... */
  name: string;
  /** The package measured (`floor` for the hand-written loops). */
  library: string;
  /** Whether it talks `streamGenerateContent`; ratios are taken against the matching floor. */
  streaming: boolean;
  /** What the contender's loop is, for the results page. */
  description: string;
  createLoop(context: LoopContext): Promise<LoopRunner>;
  /** Missing when the contender has no chat form (streaming variants). */
  createChat?: ((context: LoopContext) => Promise<ChatSession>) | undefined;
};

/**
 * A typed stream parser: from the bytes of a `streamGenerateContent?alt=sse` body to the
 * library's typed chunks, with no network. Returns the answer's text so the bench can check it.
 */
export type StreamParser = {
  name: string;
  library: string;
  create(): Promise<(pieces: readonly Uint8Array[], prompt: string) => Promise<string>>;
};

/** Thrown by a contender whose library does not offer what it needs yet (gemloop's agent). */
export class ContenderUnavailableError extends Error {
  override readonly name = 'ContenderUnavailableError';
}

/** A `Response` whose body streams `pieces`, as `fetch` would hand them over from a socket. */
export function responseFromPieces(pieces: readonly Uint8Array[]): Response {
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < pieces.length) controller.enqueue(pieces[index++]!);
      else controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}
