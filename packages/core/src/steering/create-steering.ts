import { checkOptionsCopy } from '../options/define-options.ts';
import type { Steering } from '../run/steering-controller.ts';
import type { SteeringOptions } from './steering-options.ts';
import { steeringOptionsDeclaration } from './steering-options.ts';
import { controllerOf } from './steering-plugin.ts';
import { SteeringQueue } from './steering-queue.ts';

export type { Steering } from '../run/steering-controller.ts';

/**
 * Makes a steering controller (see {@link Steering}). The controller carries its plugin (the
 * steering plugin of `@gemloop/core/plugins`' seam, under a key no copy or JSON view shows): a
 * run given `{ steering }` adds it to its plugins, so the loop knows nothing of steering and an
 * app that never steers bundles none of it.
 *
 * Peers: the AI SDK's experimental `steer()`/`queue()` and Mastra's `sendMessage`/`queueMessage`
 * inject a message into a running loop the same way (at the next step, or after the answer).
 * @throws {@link InvalidArgumentError} for a wrong option.
 */
export function createSteering(options?: SteeringOptions): Steering {
  const checked =
    options === undefined ? {} : checkOptionsCopy(steeringOptionsDeclaration, options);
  return controllerOf(new SteeringQueue(checked, false));
}

/**
 * A controller for exactly one run: once that run ends, a message is refused with `run-ended`
 * instead of waiting for a next run that never comes. (Streams and chat sends without a
 * controller use `ownSteering`, which makes no queue until their first message.)
 * @internal
 */
export function createRunSteering(): Steering {
  return controllerOf(new SteeringQueue({}, true));
}
