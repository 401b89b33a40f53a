// The gemloop run viewer: plain ES modules served as they are (no build step). This file routes
// between the list (run-list.js) and one run (run-page.js); kinds.js registers what a run's lines
// and entries are made of. Every model or tool text goes on the page as text (dom.js), never as
// markup.

import './kinds.js';
import { stopPolling } from './api.js';
import { showRunList } from './run-list.js';
import { showRunPage } from './run-page.js';

function route() {
  stopPolling();
  const match = /^#\/run\/(.+)$/.exec(location.hash);
  if (match === null) return showRunList();
  let id;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    // A hand-typed hash that is not valid percent-encoding: no such run.
    id = match[1];
  }
  return showRunPage(id);
}

window.addEventListener('hashchange', route);
route();
