// Talking to the viewer's server: its JSON routes and the page's polling.

/**
 * GETs a JSON route of the viewer; when it fails, throws with the path and status, and the
 * server's own words after them when it gave some (`error`: why a file is refused, "no such run").
 */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    let said;
    try {
      said = (await response.json()).error;
    } catch {
      // No JSON body: the status says it.
    }
    const words = typeof said === 'string' ? ` (${said})` : '';
    throw new Error(`${path}: HTTP ${response.status}${words}`);
  }
  return response.json();
}

let pollTimer;

/** Runs `fn` after `ms`, replacing the poll scheduled before (one page polls one thing). */
export function schedulePoll(fn, ms) {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(fn, ms);
}

/** Stops the scheduled poll (the page changed). */
export function stopPolling() {
  clearTimeout(pollTimer);
}
