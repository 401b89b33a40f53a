/**
 * A long-decode step's hops, from its step-end line (hostile: only finite numbers are shown):
 * how many requests the answer took, the dropped streams resumed, and a restart (billed twice).
 * Empty for a step that took one request.
 */
export function describeContinuation(continuation) {
  if (typeof continuation !== 'object' || continuation === null) return '';
  const count = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  const hops = count(continuation.hops);
  const reconnects = count(continuation.reconnects);
  return (
    `${hops} hop(s)` +
    (reconnects > 0 ? `, ${reconnects} reconnect(s)` : '') +
    (continuation.restarted === true ? ', restarted (billed twice)' : '')
  );
}
