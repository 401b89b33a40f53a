import { versionRegistry } from '../version.ts';
import type { Gemini } from './gemini.ts';
import type { ResolvedCallOptions } from './options/resolve-call-options.ts';
import type { ResolvedClientOptions } from './options/resolve-client-options.ts';

/** What the Files and Batch APIs need of a client made by `createGemini`. @internal */
export type ClientInternals = {
  client: ResolvedClientOptions;
  defaults: ResolvedCallOptions;
};

// Keyed by the client object, so nothing rides on it and a wrapper is not mistaken for it. No
// signature can carry it: the Files and Batch APIs take the user's public client. Not run data.
// Shared by the copies of this version in the process (see `versionRegistry`): a monorepo
// library's client, made by its own copy, is handed to the app's createFiles or Live session.
// why (kept): keyed by the user's client; see the reason above.
const internals = versionRegistry<object, ClientInternals>('client-internals');

/** Called by `createGemini`. @internal */
export function registerClientInternals(gemini: Gemini, value: ClientInternals): void {
  internals.set(gemini, value);
}

/** The settings of a client made by `createGemini`, or undefined for any other object. @internal */
export function clientInternalsOf(gemini: Gemini): ClientInternals | undefined {
  return typeof gemini === 'object' && gemini !== null ? internals.get(gemini) : undefined;
}
