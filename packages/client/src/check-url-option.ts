import { ClientError } from './client-error.ts';

/** An absolute URL's scheme and authority with a user name or password before its host. */
const USERINFO = /^[a-z][a-z\d+.-]*:\/\/[^/?#\\]*@/i;

/**
 * Refuses a URL that holds a user name or password (`https://user:token@host/chat`), before any
 * request: the fetch standard's `Request` constructor throws a `TypeError` for a URL that includes
 * credentials, and Node's and Chromium's message quotes the whole URL. The page got
 * `connection-lost` ("the network, or the server is not reachable") with that `TypeError`, the
 * password in it, as its `cause` (client68). The message never quotes the URL.
 * @throws {@link ClientError} `invalid-option` naming `option`.
 * @internal
 */
export function checkUrlOption(url: unknown, option: string): void {
  const credentials =
    url instanceof URL ? url.username !== '' || url.password !== '' : USERINFO.test(String(url));
  if (!credentials) return;
  throw new ClientError({
    code: 'invalid-option',
    option,
    message: `${option} holds a user name or password before its host (https://user:…@host/…), which fetch refuses to send: give the credential in headers (authorization) instead.`,
  });
}
