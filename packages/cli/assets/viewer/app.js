// The gemloop run viewer. Every model or tool text is put on the page with textContent (never
// innerHTML): a tool result holding <script> or <img onerror> shows as characters.

const app = document.getElementById('app');
const status = document.getElementById('status');

/** Makes an element: `el('td', { className: 'x' }, 'text', child)`; strings become text nodes. */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props !== undefined && props !== null) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined) continue;
      if (key === 'onclick' || key === 'onchange') node[key] = value;
      else if (key === 'className' || key === 'title' || key === 'value') node[key] = value;
      else if (key === 'style') Object.assign(node.style, value);
      else node.setAttribute(key, String(value));
    }
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

/** Replaces the page's content; left-out parts (`null`, `undefined`) are skipped. */
function show(...nodes) {
  app.replaceChildren(...nodes.filter((node) => node !== undefined && node !== null));
}

function formatWhen(ms) {
  const date = new Date(ms);
  return `${date.toLocaleDateString()} ${date.toLocaleTimeString()}`;
}

function formatDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A string field of a run file, or `undefined` when it holds something else. */
function text(value) {
  return typeof value === 'string' ? value : undefined;
}

function json(value) {
  try {
    return JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    return String(value);
  }
}

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

// --- the list of runs -------------------------------------------------------------------

const filters = { outcome: 'all', tool: 'all' };
let pollTimer;

function schedule(fn, ms) {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(fn, ms);
}

async function showList() {
  let runs;
  try {
    runs = await getJson('/api/runs');
  } catch (error) {
    status.textContent = `Cannot load the runs: ${error.message}`;
    schedule(showList, 3000);
    return;
  }
  if (location.hash !== '' && location.hash !== '#/') return;
  status.textContent = `${runs.length} run(s)`;
  const tools = [...new Set(runs.flatMap((run) => run.tools))].sort();
  const outcomeSelect = el(
    'select',
    {
      id: 'filter-outcome',
      onchange: (event) => {
        filters.outcome = event.target.value;
        showList();
      },
    },
    ...['all', 'success', 'error', 'running', 'unreadable'].map((value) =>
      el('option', { value }, value === 'all' ? 'all outcomes' : value),
    ),
  );
  outcomeSelect.value = filters.outcome;
  const toolSelect = el(
    'select',
    {
      id: 'filter-tool',
      onchange: (event) => {
        filters.tool = event.target.value;
        showList();
      },
    },
    el('option', { value: 'all' }, 'any tool'),
    ...tools.map((tool) => el('option', { value: tool }, tool)),
  );
  toolSelect.value = tools.includes(filters.tool) ? filters.tool : 'all';

  const shown = runs.filter(
    (run) =>
      (filters.outcome === 'all' || run.outcome === filters.outcome) &&
      (filters.tool === 'all' || run.tools.includes(filters.tool)),
  );
  // Chat turns are grouped under their session, placed where its newest turn is.
  const groups = [];
  const sessions = new Map();
  for (const run of shown) {
    if (run.conversationId === undefined || run.conversationId === null) {
      groups.push({ runs: [run] });
      continue;
    }
    let group = sessions.get(run.conversationId);
    if (group === undefined) {
      group = { session: run.conversationId, runs: [] };
      sessions.set(run.conversationId, group);
      groups.push(group);
    }
    group.runs.push(run);
  }

  const table = el(
    'table',
    { id: 'runs' },
    el(
      'thead',
      null,
      el(
        'tr',
        null,
        ...['When', 'Agent', 'Model', 'Steps', 'Tokens', 'Duration', 'Outcome', 'Tools'].map(
          (title) => el('th', null, title),
        ),
      ),
    ),
  );
  for (const group of groups) {
    const body = el('tbody', { className: group.session === undefined ? 'single' : 'session' });
    if (group.session !== undefined) {
      // Turns oldest first inside a session.
      group.runs.reverse();
      body.append(
        el(
          'tr',
          { className: 'session-header' },
          el('td', { colspan: 8 }, `Chat session ${group.session} · ${group.runs.length} turn(s)`),
        ),
      );
    }
    for (const run of group.runs) {
      body.append(
        el(
          'tr',
          { className: group.session === undefined ? 'run-row' : 'run-row turn' },
          el(
            'td',
            null,
            el('a', { href: `#/run/${encodeURIComponent(run.id)}` }, formatWhen(run.startedAt)),
          ),
          el('td', null, run.agentName ?? ''),
          el('td', null, run.model),
          // A large file's row comes from its last bytes: at least this many steps.
          el(
            'td',
            run.partial ? { title: 'Read from the end of a large file' } : null,
            run.partial ? `≥ ${run.steps}` : run.steps,
          ),
          el('td', null, run.totalTokens.toLocaleString()),
          el('td', null, formatDuration(run.durationMs)),
          el(
            'td',
            { className: `outcome-${run.outcome}`, title: run.error ?? '' },
            run.outcome === 'success' ? (run.finishReason ?? 'success') : run.outcome,
          ),
          el('td', null, run.tools.join(', ')),
        ),
      );
    }
    table.append(body);
  }
  show(
    el('div', { className: 'filters' }, 'Filter:', outcomeSelect, toolSelect),
    shown.length === 0
      ? el(
          'p',
          { className: 'empty' },
          runs.length === 0
            ? 'No runs recorded yet. Add recorder: createRunRecorder() to an agent, or run npm run demo.'
            : 'No run matches the filters.',
        )
      : table,
  );
  schedule(showList, 2000);
}

// --- one run ------------------------------------------------------------------------------

let current = { id: undefined, count: -1, selected: undefined };

/** Pairs the start and end lines of model and tool calls into spans on the time axis. */
function buildRun(lines) {
  const start = lines[0];
  const modelCalls = [];
  const toolCalls = [];
  const steps = [];
  let end;
  let last = start.at;
  const openModel = new Map();
  const openTools = new Map();
  for (const line of lines) {
    if (typeof line.at === 'number' && line.at > last) last = line.at;
    switch (line.type) {
      case 'model-call-start': {
        const call = {
          kind: 'model',
          key: `model-${modelCalls.length}`,
          stepNumber: line.stepNumber,
          start: line.at,
          request: line.request,
          retries: [],
        };
        modelCalls.push(call);
        openModel.set(line.stepNumber, call);
        break;
      }
      case 'retry':
        openModel.get(line.stepNumber)?.retries.push(line);
        break;
      case 'first-chunk': {
        const call = openModel.get(line.stepNumber);
        if (call !== undefined) call.firstChunk = line.at;
        break;
      }
      case 'model-call-end': {
        const call = openModel.get(line.stepNumber);
        if (call === undefined) break;
        call.end = line.at;
        call.response = line.response;
        call.error = line.error;
        openModel.delete(line.stepNumber);
        break;
      }
      case 'tool-call-start': {
        const call = {
          kind: 'tool',
          key: `tool-${toolCalls.length}`,
          stepNumber: line.stepNumber,
          name: line.toolName,
          toolCallId: line.toolCallId,
          toolType: line.toolType,
          start: line.at,
          args: line.args,
        };
        toolCalls.push(call);
        openTools.set(`${line.stepNumber}/${line.toolCallId}`, call);
        break;
      }
      case 'tool-call-end': {
        const call = openTools.get(`${line.stepNumber}/${line.toolCallId}`);
        if (call === undefined) break;
        call.end = line.at;
        call.outcome = line.outcome;
        call.output = line.output;
        call.error = line.error;
        break;
      }
      case 'step-end':
        steps.push(line);
        break;
      case 'run-end':
        end = line;
        break;
    }
  }
  return { start, end, modelCalls, toolCalls, steps, last };
}

/** Lanes for tool calls: a call goes in the first lane free at its start, so overlapping
 * (parallel) calls sit one above the other at the same time. */
function assignLanes(calls, now) {
  const lanes = [];
  for (const call of calls) {
    const callEnd = call.end ?? now;
    let lane = lanes.findIndex((laneEnd) => laneEnd <= call.start);
    if (lane === -1) {
      lane = lanes.length;
      lanes.push(callEnd);
    } else lanes[lane] = callEnd;
    call.lane = lane;
  }
  return lanes.length;
}

function renderTimeline(run, onSelect) {
  const now = run.end === undefined ? Math.max(run.last, Date.now()) : run.end.at;
  const t0 = run.start.at;
  const span = Math.max(1, now - t0);
  const toolLanes = assignLanes(run.toolCalls, now);
  const position = (call) => {
    const from = ((call.start - t0) / span) * 100;
    const to = (((call.end ?? now) - t0) / span) * 100;
    return { left: `${from}%`, width: `${Math.max(0.4, to - from)}%` };
  };
  const bar = (call, label) => {
    const failed =
      call.kind === 'model'
        ? call.error !== undefined
        : call.outcome !== undefined && call.outcome !== 'success';
    const classes = ['bar', call.kind];
    if (failed) classes.push('failed');
    if (call.end === undefined) classes.push('open-ended');
    if (current.selected === call.key) classes.push('selected');
    const duration = call.end === undefined ? 'running' : formatDuration(call.end - call.start);
    return el(
      'button',
      {
        type: 'button',
        className: classes.join(' '),
        style: position(call),
        title: `${label} · ${duration}`,
        'data-key': call.key,
        onclick: () => onSelect(call),
      },
      label,
    );
  };
  const modelLane = el(
    'div',
    { className: 'lane' },
    el('span', { className: 'lane-label' }, 'model'),
    ...run.modelCalls.map((call) => bar(call, `step ${call.stepNumber}`)),
  );
  const lanes = [modelLane];
  for (let lane = 0; lane < toolLanes; lane++) {
    lanes.push(
      el(
        'div',
        { className: 'lane' },
        el('span', { className: 'lane-label' }, lane === 0 ? 'tools' : ''),
        ...run.toolCalls.filter((call) => call.lane === lane).map((call) => bar(call, call.name)),
      ),
    );
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) =>
    el(
      'span',
      { className: 'tick', style: { left: `${fraction * 100}%` } },
      formatDuration(span * fraction),
    ),
  );
  return el(
    'div',
    { className: 'timeline', id: 'timeline' },
    ...lanes,
    el('div', { className: 'axis' }, ...ticks),
  );
}

function collapsible(title, value, open) {
  const details = el(
    'details',
    open ? { open: '' } : null,
    el('summary', null, title),
    el('pre', null, json(value)),
  );
  return details;
}

function renderDetails(call) {
  if (call === undefined)
    return el(
      'div',
      { className: 'details', id: 'details' },
      el('span', { className: 'empty' }, 'Click a bar to see its request and response.'),
    );
  const timing =
    call.end === undefined ? 'still running' : `${formatDuration(call.end - call.start)}`;
  if (call.kind === 'model') {
    return el(
      'div',
      { className: 'details', id: 'details' },
      el('h3', null, `Model call, step ${call.stepNumber} · ${timing}`),
      call.firstChunk === undefined
        ? null
        : el('div', null, `First chunk after ${formatDuration(call.firstChunk - call.start)}`),
      ...call.retries.map((retry) =>
        el(
          'div',
          { className: 'outcome-error' },
          `Attempt ${retry.attempt} failed (${retry.error.name}${retry.error.status === undefined ? '' : ` ${retry.error.status}`}): retried after ${formatDuration(retry.delayMs)}`,
        ),
      ),
      call.error === undefined
        ? null
        : el('div', { className: 'outcome-error' }, `${call.error.name}: ${call.error.message}`),
      collapsible('Request', call.request, false),
      call.response === undefined ? null : collapsible('Response', call.response, true),
    );
  }
  return el(
    'div',
    { className: 'details', id: 'details' },
    el('h3', null, `Tool ${call.name} (${call.toolType}) · ${call.toolCallId} · ${timing}`),
    call.outcome === undefined
      ? null
      : el(
          'div',
          { className: call.outcome === 'success' ? 'outcome-success' : 'outcome-error' },
          call.outcome,
        ),
    call.error === undefined
      ? null
      : el('div', { className: 'outcome-error tool-error' }, call.error),
    collapsible('Arguments', call.args, true),
    call.outcome === 'success' ? collapsible('Result', call.output, true) : null,
  );
}

function renderTokenChart(steps) {
  if (steps.length === 0) return el('p', { className: 'empty' }, 'No steps yet.');
  const input = (usage) => (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0);
  const output = (usage) => (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0);
  const max = Math.max(1, ...steps.map((step) => input(step.usage) + output(step.usage)));
  return el(
    'div',
    { id: 'token-chart' },
    el(
      'div',
      { className: 'legend' },
      el('span', null, el('span', { className: 'swatch chart-input' }), 'input'),
      el('span', null, el('span', { className: 'swatch chart-output' }), 'output (incl. thinking)'),
    ),
    ...steps.map((step) => {
      const inTokens = input(step.usage);
      const outTokens = output(step.usage);
      return el(
        'div',
        { className: 'chart-row' },
        el('span', null, `step ${step.stepNumber}`),
        el(
          'div',
          { className: 'chart-bars' },
          el('div', { className: 'chart-input', style: { width: `${(inTokens / max) * 100}%` } }),
          el('div', { className: 'chart-output', style: { width: `${(outTokens / max) * 100}%` } }),
        ),
        el('span', null, `${inTokens.toLocaleString()} in · ${outTokens.toLocaleString()} out`),
      );
    }),
  );
}

function groundingSources(steps) {
  const sources = [];
  const seen = new Set();
  for (const step of steps) {
    for (const chunk of step.grounding?.groundingChunks ?? []) {
      const web = chunk.web ?? chunk.retrievedContext ?? chunk.maps;
      const uri = web?.uri;
      if (typeof uri !== 'string' || seen.has(uri)) continue;
      seen.add(uri);
      sources.push({ uri, title: typeof web.title === 'string' ? web.title : uri });
    }
  }
  return sources;
}

function renderSources(steps) {
  const sources = groundingSources(steps);
  if (sources.length === 0) return el('p', { className: 'empty' }, 'No grounding sources.');
  return el(
    'ul',
    { id: 'sources' },
    ...sources.map((source) =>
      el(
        'li',
        null,
        // Only web links are clickable; anything else (javascript:, data:) stays text.
        /^https?:\/\//i.test(source.uri)
          ? el(
              'a',
              { href: source.uri, target: '_blank', rel: 'noopener noreferrer' },
              source.title,
            )
          : el('span', null, `${source.title} (${source.uri})`),
      ),
    ),
  );
}

/** A long-decode step's hops, from a run file (hostile: only finite numbers are shown). */
function describeContinuation(continuation) {
  if (typeof continuation !== 'object' || continuation === null) return '';
  const count = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  const hops = count(continuation.hops);
  const reconnects = count(continuation.reconnects);
  return (
    ` · ${hops} hop(s)` +
    (reconnects > 0 ? `, ${reconnects} reconnect(s)` : '') +
    (continuation.restarted === true ? ', restarted (billed twice)' : '')
  );
}

function renderSteps(steps) {
  return el(
    'div',
    { id: 'steps' },
    ...steps.map((step) =>
      el(
        'div',
        { className: 'step' },
        el('b', null, `Step ${step.stepNumber}`),
        ` · ${step.kind} · ${step.finishReason ?? ''} · ${step.toolCalls} tool call(s)${step.reask === undefined || step.reask === null ? '' : ` · re-asked (${step.reask})`}${describeContinuation(step.continuation)}${step.interrupted === true ? ' · interrupted (the stream ended without a finish signal)' : ''}`,
        step.thoughts === ''
          ? null
          : el(
              'details',
              null,
              el('summary', null, 'Thought summary'),
              el('div', { className: 'step-text' }, step.thoughts),
            ),
        step.text === '' ? null : el('div', { className: 'step-text' }, step.text),
      ),
    ),
  );
}

async function showRun(id) {
  let lines;
  try {
    lines = await getJson(`/api/runs/${encodeURIComponent(id)}`);
  } catch (error) {
    show(el('p', { className: 'empty' }, `Cannot load this run: ${error.message}`));
    return;
  }
  if (location.hash !== `#/run/${encodeURIComponent(id)}`) return;
  if (lines.length === 0 || lines[0].type !== 'run-start') {
    show(el('p', { className: 'empty' }, 'This run file has no start line.'));
    return;
  }
  // A file the viewer cut is not followed live: each poll would read it again to its limit.
  const running =
    !lines.some((line) => line.type === 'run-end') &&
    !lines.some((line) => line.type === 'truncated' && line.by === 'viewer');
  if (current.id !== id) current = { id, count: -1, selected: undefined };
  if (lines.length !== current.count || running) {
    current.count = lines.length;
    render(lines);
  }
  if (running) schedule(() => showRun(id), 1000);
}

/** A chat turn's place in its session: links to every turn, this one in bold. */
async function showSessionTurns(id, conversationId) {
  let runs;
  try {
    runs = await getJson('/api/runs');
  } catch {
    return;
  }
  const holder = document.getElementById('session-turns');
  if (holder === null || current.id !== id) return;
  const turns = runs.filter((run) => run.conversationId === conversationId).reverse();
  holder.replaceChildren(
    `Chat session ${conversationId}: `,
    ...turns.flatMap((run, index) => [
      index === 0 ? '' : ' · ',
      run.id === id
        ? el('b', null, `turn ${index + 1}`)
        : el('a', { href: `#/run/${encodeURIComponent(run.id)}` }, `turn ${index + 1}`),
    ]),
  );
}

function render(lines) {
  const run = buildRun(lines);
  if (typeof run.start.conversationId === 'string')
    queueMicrotask(() => showSessionTurns(current.id, run.start.conversationId));
  const calls = [...run.modelCalls, ...run.toolCalls];
  const select = (call) => {
    current.selected = call.key;
    render(lines);
  };
  const selected = calls.find((call) => call.key === current.selected);
  const cut = lines.find((line) => line.type === 'truncated' && line.by === 'viewer');
  const outcome =
    run.end === undefined ? (cut === undefined ? 'running' : 'unknown') : run.end.outcome;
  const usage = run.end?.usage;
  const duration = (run.end?.at ?? run.last) - run.start.at;
  status.textContent = outcome === 'running' ? 'Run in progress (updating live)' : '';
  const summary = el(
    'div',
    { className: 'summary', id: 'run-summary' },
    el('span', null, 'Agent ', el('b', null, text(run.start.agentName) ?? '(unnamed)')),
    el('span', null, 'Model ', el('b', null, text(run.start.model) ?? 'unknown')),
    el('span', null, 'Started ', el('b', null, formatWhen(run.start.at))),
    el('span', null, 'Duration ', el('b', null, formatDuration(duration))),
    el('span', null, 'Steps ', el('b', null, run.steps.length)),
    el('span', null, 'Tokens ', el('b', null, (usage?.totalTokenCount ?? 0).toLocaleString())),
    el(
      'span',
      null,
      'Outcome ',
      el(
        'b',
        { className: `outcome-${outcome}` },
        outcome === 'success' ? (run.end.finishReason ?? outcome) : outcome,
      ),
    ),
    run.start.conversationId === undefined || run.start.conversationId === null
      ? null
      : el('span', null, 'Chat session ', el('b', null, run.start.conversationId)),
  );
  const session =
    run.start.conversationId === undefined || run.start.conversationId === null
      ? null
      : el('p', { id: 'session-turns' }, `Chat session ${run.start.conversationId}`);
  show(
    el('p', null, el('a', { href: '#/' }, '← all runs')),
    summary,
    session,
    run.end?.error === undefined
      ? null
      : el('p', { className: 'outcome-error' }, `${run.end.error.name}: ${run.end.error.message}`),
    ...lines
      .filter((line) => line.type === 'truncated')
      .map((line) =>
        el(
          'p',
          { className: 'truncated-note' },
          line.by === 'viewer'
            ? `Cut by the viewer: ${text(line.reason) ?? ''}`
            : `The recorder stopped recording this run: ${text(line.reason) ?? ''}`,
        ),
      ),
    el('h2', null, 'Timeline'),
    renderTimeline(run, select),
    renderDetails(selected),
    el('h2', null, 'Tokens per step'),
    renderTokenChart(run.steps),
    el('h2', null, 'Grounding sources'),
    renderSources(run.steps),
    el('h2', null, 'Steps'),
    renderSteps(run.steps),
    run.end?.text === undefined || run.end.text === '' ? null : el('h2', null, 'Answer'),
    run.end?.text === undefined || run.end.text === ''
      ? null
      : el('div', { className: 'step-text', id: 'answer' }, run.end.text),
  );
}

function route() {
  clearTimeout(pollTimer);
  const match = /^#\/run\/(.+)$/.exec(location.hash);
  if (match !== null) showRun(decodeURIComponent(match[1]));
  else showList();
}

window.addEventListener('hashchange', route);
route();
