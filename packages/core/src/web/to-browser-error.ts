import { GemloopError } from '../errors/gemloop-error.ts';
import type { BrowserError } from './browser-event.ts';

// A message a page shows is one paragraph; a gateway's HTML error page is not.
const MAX_MESSAGE = 1000;

// gemloop's errors whose message quotes what application code threw or returned (a tool, a hook,
// a history store's database, Vertex credentials): shown by name and code only.
const APPLICATION_MESSAGES: Readonly<Record<string, string>> = {
  'tool-execution': 'A tool failed.',
  'tool-close': 'A tool failed to close.',
  'agent-run': 'A hook of the agent failed.',
  'chat-store': 'The chat history could not be read or saved.',
  'chat-store-locked': 'The chat is in use by another process.',
  'chat-history-corrupt': 'The chat history could not be read.',
  'vertex-auth': 'The server could not authenticate to Vertex AI.',
};

/**
 * What a page may see of a run's failure. gemloop's errors carry messages written for users and
 * already free of the API key (the client redacts it); their class name, `code` and message are
 * sent, never the stack or the `cause`, except for those whose message quotes application code
 * (a tool's or a hook's error, a store's): those get a fixed message for their code. Any other thrown value (a tool's, an application's) may
 * hold anything, so only `The run failed.` is sent, unless `expose` says otherwise.
 * @internal
 */
export function toBrowserError(
  error: unknown,
  expose: ((error: unknown) => BrowserError | undefined) | undefined,
): BrowserError {
  const custom = safely(() => expose?.(error));
  if (custom !== undefined) return bounded(custom);
  if (GemloopError.isInstance(error)) {
    const generic = APPLICATION_MESSAGES[error.code];
    return bounded({ name: error.name, code: error.code, message: generic ?? error.message });
  }
  return { name: 'Error', message: 'The run failed.' };
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function bounded(error: BrowserError): BrowserError {
  const message = String(error.message);
  return {
    name: String(error.name).slice(0, 100),
    ...(error.code === undefined ? {} : { code: String(error.code).slice(0, 100) }),
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}...` : message,
  };
}
