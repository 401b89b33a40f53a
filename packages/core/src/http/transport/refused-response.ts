/**
 * A response a transport refused once its headers came, before reading its body: the node
 * transport's content-codings it does not decode (one it does not know, more than it decodes).
 * The host answered, so the client makes it an `ApiCallError` naming the status (status-error.ts),
 * not a network failure that could not reach the host. Its own module: only the node transport
 * (loaded on Node) and the failure path (loaded on a failure) import it.
 * @internal
 */
export class RefusedResponse extends Error {
  override readonly name = 'RefusedResponse';
  /** The status the refused response came with. */
  readonly status: number;

  /** `problem` is a sentence that goes after "<method> got a <status> response, but". */
  constructor(problem: string, status: number) {
    super(problem);
    this.status = status;
  }
}
