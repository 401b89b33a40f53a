import { el } from './dom.js';
import { formatDuration } from './format.js';

/**
 * Lanes for tool calls: a call goes in the first lane free at its start, so overlapping
 * (parallel) calls sit one above the other at the same time.
 */
function assignLanes(calls, now) {
  const lanes = [];
  const placed = new Map();
  for (const call of calls) {
    const callEnd = call.end ?? now;
    let lane = lanes.findIndex((laneEnd) => laneEnd <= call.start);
    if (lane === -1) {
      lane = lanes.length;
      lanes.push(callEnd);
    } else lanes[lane] = callEnd;
    placed.set(call, lane);
  }
  return { count: lanes.length, laneOf: (call) => placed.get(call) };
}

/**
 * The run's overview on a time axis: model calls and tool calls as bars, parallel calls side by
 * side, failures red. A bar is a pointer to its block below: `onSelect(key)` scrolls to it.
 */
export function renderTimeline(run, { selected, onSelect }) {
  const now = run.end === undefined ? Math.max(run.last, Date.now()) : run.last;
  const t0 = run.startedAt;
  const span = Math.max(1, now - t0);
  const lanes = assignLanes(run.toolCalls, now);
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
    if (failed) classes.push(call.outcome === 'aborted' ? 'aborted' : 'failed');
    if (call.end === undefined) classes.push('open-ended');
    if (selected === call.key) classes.push('selected');
    const duration = call.end === undefined ? 'running' : formatDuration(call.end - call.start);
    return el(
      'button',
      {
        type: 'button',
        className: classes.join(' '),
        style: position(call),
        title: `${label} · ${duration}`,
        'data-key': call.key,
        onclick: () => onSelect(call.key),
      },
      label,
    );
  };
  const rows = [
    el(
      'div',
      { className: 'lane' },
      el('span', { className: 'lane-label' }, 'model'),
      ...run.modelCalls.map((call) => bar(call, `step ${call.stepNumber}`)),
    ),
  ];
  for (let lane = 0; lane < lanes.count; lane++) {
    rows.push(
      el(
        'div',
        { className: 'lane' },
        el('span', { className: 'lane-label' }, lane === 0 ? 'tools' : ''),
        ...run.toolCalls
          .filter((call) => lanes.laneOf(call) === lane)
          .map((call) => bar(call, call.name)),
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
  // A handoff: a marked point, after which the steps are the receiving agent's.
  const handoffs = (run.handoffs ?? [])
    .filter((handoff) => handoff.at !== undefined)
    .map((handoff) =>
      el(
        'span',
        {
          className: 'handoff-mark',
          style: { left: `${((handoff.at - t0) / span) * 100}%` },
          title: `after step ${handoff.stepNumber}: ${handoff.from} handed to ${handoff.to}`,
          'data-handoff': handoff.to,
        },
        `→ ${handoff.to}`,
      ),
    );
  return el(
    'div',
    { className: 'timeline', id: 'timeline' },
    ...rows,
    handoffs.length === 0 ? null : el('div', { className: 'handoff-marks' }, ...handoffs),
    el('div', { className: 'axis' }, ...ticks),
  );
}
