import { GemloopError } from '@gemloop/core/errors';

/**
 * The agent card of a remote A2A agent ({@link a2aAgent}) names an endpoint on another origin
 * than the `url` it was given, and that origin is not in `allowCardOrigins`: nothing was sent
 * there. A card is the remote's word, and a remote that is compromised (or a cache that is
 * poisoned) could point the server's calls at an internal address (`http://169.254.169.254/`).
 * Carries the card's endpoint and the origin it was held to.
 */
export class A2ACardUrlError extends GemloopError {
  override readonly code = 'a2a-card-url';
  /** Not the code's (`A2aCardUrlError`): see the `name` of {@link GemloopError}. */
  override get name(): string {
    return 'A2ACardUrlError';
  }
  /** The endpoint the card named (as the call would have gone there). */
  readonly cardUrl: string;
  /** The origin of the `url` option, where the calls may go. */
  readonly origin: string;

  constructor(options: { agent: string; cardUrl: string; origin: string }) {
    super({
      message:
        `The agent card of the remote agent ${options.agent} names ${options.cardUrl} for its calls, ` +
        `not the origin of url (${options.origin}); nothing was sent there. If that origin is the ` +
        `agent's own (a gateway, another domain), list it in allowCardOrigins.`,
    });
    this.cardUrl = options.cardUrl;
    this.origin = options.origin;
  }

  static override isInstance(error: unknown): error is A2ACardUrlError {
    return GemloopError.hasCode(error, 'a2a-card-url');
  }
}
