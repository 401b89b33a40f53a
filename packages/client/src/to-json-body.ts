import { ClientError } from './client-error.ts';

/**
 * `value` as a request's JSON body. A value JSON cannot write (a cycle, a BigInt) threw
 * `JSON.stringify`'s own `TypeError` out of agentEvents and streamAgent, and an answer's became
 * `connection-lost` ("the network, or the server is not reachable"), where a `ClientError` naming
 * the option is promised (client68). That `TypeError` (its message names property paths, never
 * values) is the `cause`.
 * @throws {@link ClientError} `invalid-option` naming `option`.
 * @internal
 */
export function toJsonBody(value: unknown, option: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new ClientError({
      code: 'invalid-option',
      option,
      message: `${option} cannot be written as JSON (a value that refers to itself, or a BigInt): give plain data, or a string of your own.`,
      cause: error,
    });
  }
}
