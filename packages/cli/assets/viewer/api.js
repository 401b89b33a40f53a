// Talking to the viewer's server: its JSON routes and the page's polling.

/** GETs a JSON route of the viewer; throws with the path and status when it fails. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
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
