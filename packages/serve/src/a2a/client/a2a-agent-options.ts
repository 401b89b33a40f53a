/** Options of {@link a2aAgent}: a remote A2A agent as a tool of a gemloop agent. */
export type A2AAgentOptions = {
  /**
   * Where the remote agent is: the URL its agent card is under (`<url>/.well-known/agent-card.json`,
   * `https://example.com/.well-known/agent-card.json` for `https://example.com`), or the card's
   * own URL (ending in `.json`).
   */
  url: string;
  /**
   * The tool's name, as the parent model calls it (Gemini's function-name rule: letters, digits,
   * `_`, `.`, `:` and `-`, at most 128). Also the path segment of its events: `name#1`, ...
   */
  name: string;
  /** What the remote agent is for: the parent model reads it to decide when to delegate. */
  description: string;
  /**
   * Headers sent with every request to the remote agent (its card included): credentials such as
   * `{ authorization: 'Bearer ...' }`, or a function that makes them per request (a token that
   * expires). Never shown to the model or in events. Sent to the origin of `url` (and those of
   * `allowCardOrigins`) only.
   */
  headers?:
    | Readonly<Record<string, string>>
    | (() => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>)
    | undefined;
  /**
   * Origins besides `url`'s that the remote's agent card may name for its calls
   * (`['https://a2a.example.com']`): a gateway whose card names its public address, an agent
   * whose card lives on another domain. The card's endpoint (`supportedInterfaces[].url`, the
   * spec's "URL where this interface is available") is the remote's word: a card naming any
   * other origin is refused with {@link A2ACardUrlError} before anything is sent there, since it
   * could point this server's calls at an internal address (`http://169.254.169.254/`). The
   * `headers` go to these origins too. @defaultValue [] (the origin of `url` only)
   */
  allowCardOrigins?: readonly string[] | undefined;
  /**
   * The most bytes of one answer of the remote agent: its card, a unary answer, or a streamed
   * answer in total (the streamed answer's text is kept whole until the task ends). Past it the
   * call fails with `ResponseTooLargeError` (of `@gemloop/core/errors`) naming the agent and the
   * cap, and the rest is not read. Raise it for an agent whose answers are genuinely larger.
   * @defaultValue 16777216 (16 MiB: sixteen times the text of Gemini's largest context window, so
   * an answer past it could not be handed on to the model anyway)
   */
  maxResponseBytes?: number | undefined;
  /**
   * Take a plain `http://` `url` (and `allowCardOrigins`) on a host that is not loopback: the
   * `headers`, the tasks and the answers then cross the network in clear text. Without it such a
   * URL is refused with an `InvalidArgumentError`, as `createGemini` refuses such a `baseUrl`;
   * `localhost`, `127.0.0.0/8` and `[::1]` need no opt-in. Only for a trusted private network.
   * @defaultValue false
   */
  allowInsecureHttp?: boolean | undefined;
  /** The `fetch` the A2A client uses. @defaultValue globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /**
   * Time limit of one call, the remote task included, in milliseconds; past it the remote task is
   * canceled and the model told the call timed out.
   * @defaultValue 600000 (ten minutes, as a subagent's)
   */
  timeoutMs?: number | undefined;
};
