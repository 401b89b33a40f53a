import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { LOOPBACK_HOSTNAME } from './normalize-base-url.ts';

/** Where {@link refuseClearTextHttp} looks, and what its error names. @internal */
export type ClearTextHttpCheck = {
  /** The function or tool whose option it is, as the error names it (`a2aAgent`). */
  who: string;
  /** The option that holds the URL (`url`, `baseUrl`, `allowCardOrigins`). */
  argument: string;
  /** What would cross the network in clear (`your headers`, `the access token`). */
  what: string;
  /** The user's `allowInsecureHttp`: `true` takes plain http to any host. */
  allowInsecureHttp: boolean | undefined;
};

/**
 * Refuses plain `http://` to a host that is not loopback for a client that sends the user's
 * credentials with its requests, as `createGemini` refuses such a `baseUrl` (attack17: the A2A
 * and MCP clients, the web fetch tool's headers and Memory Bank's token went to any host in
 * clear text). The same loopback names pass ({@link LOOPBACK_HOSTNAME}) and the same option,
 * `allowInsecureHttp: true`, opens a trusted private network. Only the scheme and host are shown:
 * the rest of a URL may hold a secret.
 * @throws {@link InvalidArgumentError} naming the option, what would go in clear and the fix.
 * @internal
 */
export function refuseClearTextHttp(url: URL, check: ClearTextHttpCheck): void {
  if (
    url.protocol !== 'http:' ||
    check.allowInsecureHttp === true ||
    LOOPBACK_HOSTNAME.test(url.hostname)
  ) {
    return;
  }
  throw new InvalidArgumentError({
    argument: check.argument,
    message: `${check.who} ${check.argument} must use https: plain http sends ${check.what} in clear text to anyone on the path. http is taken only to localhost, 127.x or [::1], or with allowInsecureHttp: true (a trusted private network); got 'http://${url.host}'.`,
  });
}

/**
 * Checks `allowInsecureHttp` itself: `true`, `false` or absent. @internal
 * @throws {@link InvalidArgumentError} for anything else (`'yes'` would not open http, nor say so).
 */
export function checkAllowInsecureHttp(who: string, value: unknown): boolean {
  if (value === undefined || typeof value === 'boolean') return value === true;
  throw new InvalidArgumentError({
    argument: 'allowInsecureHttp',
    message: `${who} allowInsecureHttp must be true or false.`,
  });
}
