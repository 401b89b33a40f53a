// The gemloop run viewer: plain ES modules served as they are (no build step). This file routes
// between the list (run-list.js), one run (run-page.js), the eval results (eval-list.js) and two
// of them compared (compare-page.js), and the forks (fork-list.js), each beside its original
// (fork-page.js); kinds.js registers what a run's lines
// and entries are made of. Every model or tool text goes on the page as text (dom.js), never as
// markup.

import './kinds.js';
import { stopPolling } from './api.js';
import { showComparePage } from './compare-page.js';
import { showEvalList } from './eval-list.js';
import { showForkList } from './fork-list.js';
import { showForkPage } from './fork-page.js';
import { showRunList } from './run-list.js';
import { showRunPage } from './run-page.js';

/** A percent-decoded hash part; a hand-typed one that is not valid percent-encoding as it is. */
function decoded(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function route() {
  stopPolling();
  if (location.hash === '#/evals') return showEvalList();
  if (location.hash === '#/forks') return showForkList();
  const fork = /^#\/fork\/([^/]+)$/.exec(location.hash);
  if (fork !== null) return showForkPage(decoded(fork[1]));
  const compare = /^#\/compare\/([^/]+)\/([^/]+)$/.exec(location.hash);
  if (compare !== null) return showComparePage(decoded(compare[1]), decoded(compare[2]));
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
