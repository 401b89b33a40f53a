/**
 * How much stored history goes with each message. The store keeps every turn; only what is sent
 * is limited, by dropping the oldest whole turns (a turn is one send: the user's message and
 * everything the model and the tools added in reply). A limit never splits a function call from
 * its response, and the history sent always starts with a user message. A store with
 * `loadRecent` (the file store) then reads and holds only the newest turns the limit can send.
 * Past the limit's count (`maxTurns` below the stored turns, or `maxTokens`), the turns sent carry
 * at most about 4 MB of thought signatures again (four million characters): neither count sees
 * a signature, and a model that signs with megabytes would otherwise grow every send until the
 * API refuses it. The oldest whole turns go; those sent keep their signatures as given.
 */
export type ChatHistoryLimit = {
  /** The most earlier turns sent with a new message; `0` sends the message alone. */
  maxTurns?: number | undefined;
  /**
   * The most tokens of history sent, the new message included (not the system instruction, the
   * tools, or what the run adds). Turns count as measured from the usage the API reported when
   * they were saved, else as estimated (four characters a token in English, one and a third in
   * Chinese, Japanese or Korean, two in other scripts; 258 per media part). The newest
   * turns that fit are sent; the message is always sent, even when it alone is larger.
   */
  maxTokens?: number | undefined;
};
