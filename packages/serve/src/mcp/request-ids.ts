/**
 * The ids of the JSON-RPC requests of a body (one message, or a batch), notifications and
 * responses left out. @internal
 */
export function requestIds(body: unknown): (string | number)[] {
  return (Array.isArray(body) ? body : [body]).flatMap((message) =>
    isRequest(message) ? [(message as { id: string | number }).id] : [],
  );
}

/** Whether a message is a JSON-RPC request: a string `method` and a string or number `id`. @internal */
export function isRequest(message: unknown): boolean {
  const { id, method } = (message ?? {}) as { id?: unknown; method?: unknown };
  return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number');
}
