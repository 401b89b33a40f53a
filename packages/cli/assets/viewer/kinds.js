// Every kind of line the viewer reads and every kind of entry it draws, one file each. A new
// feature's view (subagent trees, compaction steps, guardrail trips and steers, cost, eval pages)
// is a reader under readers/ and a renderer under entries/, named here: see the viewer section of
// packages/cli/README.md.

import './readers/model-call.js';
import './readers/tool-call.js';
import './readers/step-end.js';
import './readers/run-end.js';
import './readers/guardrail.js';
import './readers/cost.js';
import './readers/steer.js';
import './readers/compaction.js';
import './readers/handoff.js';
import './readers/plugin.js';
import './entries/retry.js';
import './entries/thoughts.js';
import './entries/model-text.js';
import './entries/tool-call.js';
import './entries/call-error.js';
import './entries/run-end.js';
import './entries/guardrail.js';
import './entries/cost.js';
import './entries/steer.js';
import './entries/compaction.js';
import './entries/handoff.js';
import './entries/plugin.js';
