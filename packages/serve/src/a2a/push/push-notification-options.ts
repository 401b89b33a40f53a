/** One address a host name resolves to. */
export type ResolvedAddress = { address: string; family: number };

/** How the A2A door sends push notifications (`pushNotifications` of `createA2AHandler`). */
export type PushNotificationOptions = {
  /**
   * Let webhooks on internal addresses (loopback, private networks, link-local, ...) be called.
   * Off by default: a caller registers the URL, and the server must not become its way into
   * the server's own network. Cloud metadata endpoints stay refused even when on: a host name
   * is still resolved (where `lookup` or the system resolver is) to check it is not one.
   * @defaultValue false
   */
  allowPrivateNetwork?: boolean | undefined;
  /** The `fetch` the notifications are sent with. @defaultValue globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /**
   * Resolves a webhook's host name to its addresses, each checked before the POST.
   * @defaultValue `dns.promises.lookup(host, { all: true })` on Node; elsewhere (Workers) a
   * host name is refused unless `allowPrivateNetwork` is on
   */
  lookup?: ((hostname: string) => Promise<readonly ResolvedAddress[]>) | undefined;
  /** How long one POST may take before it is given up. @defaultValue 5000 ms */
  timeoutMs?: number | undefined;
};
