import type { BenchSettings } from '../bench-settings.ts';
import type { MachineInfo } from './machine-info.ts';
import { formatMegabytes, formatNumber, markdownTable } from './markdown-table.ts';
import type {
  ChatScenarioResult,
  ContenderRow,
  ImportScenarioResult,
  LeakScenarioResult,
  LoopScenarioResult,
  OverheadScenarioResult,
  ParseScenarioResult,
  ScenarioResult,
} from './results.ts';
import type { Spread } from './stats.ts';
import { ratioOf, type TargetCheck } from './targets.ts';

/** Everything one bench run produced. */
export type BenchReport = {
  startedAt: string;
  durationSeconds: number;
  settings: BenchSettings;
  machine: MachineInfo;
  results: ScenarioResult[];
  targets: TargetCheck[];
};

/** How the scenario's paired ratios were measured, where it has any. */
function pairedSentence(scenario: LoopScenarioResult): string {
  const paired = scenario.rows.find((row) => row.paired !== undefined)?.paired;
  if (paired === undefined) return '';
  return ` gemloop's × node:http is measured again after the rounds, in ${paired.blocks} palindromic blocks of legs of ${paired.runsPerLeg} runs (the floor, gemloop and a second process of the floor, then the same backwards: load that changes steadily over a block lands on each alike; which process opens a block rotates), as the median of the ratios of whole rotations (3 blocks: every process in every place once), with the second process over the floor beside it (A/A) in the targets table.`;
}

function withSpread(value: Spread | undefined, decimals?: number): string {
  if (value === undefined) return '–';
  return `${formatNumber(value.median, decimals)} (${formatNumber(value.p25, decimals)}–${formatNumber(value.p75, decimals)})`;
}

function statusCell(row: { status: string }): string {
  return row.status === 'ok' ? '' : row.status === 'unavailable' ? 'skipped' : '**FAILED**';
}

function loopSection(scenario: LoopScenarioResult): string {
  const hasStream = scenario.rows.some((row) => row.megabytesPerSecond !== undefined);
  const header = [
    'contender',
    'µs per step, median (p25–p75)',
    'overhead vs floor, µs',
    '× floor',
    '× node:http',
    'client CPU µs per step',
    'peak RSS MB',
    'RSS vs floor, MB',
    ...(hasStream ? ['MB/s'] : []),
    '',
  ];
  const lines = scenario.rows.map((row) => {
    const floor = scenario.rows.find(
      (candidate) => candidate.name === (row.streaming ? 'floor.stream' : 'floor'),
    );
    const measured = row.status === 'ok' && floor?.status === 'ok';
    const wall = row.wallUsPerStep?.median;
    const floorWall = floor?.wallUsPerStep?.median;
    const http = scenario.rows.find(
      (candidate) => candidate.name === (row.streaming ? 'floor.http.stream' : 'floor.http'),
    );
    return [
      row.name,
      withSpread(row.wallUsPerStep),
      measured && row !== floor ? formatNumber(wall! - floorWall!) : '',
      measured ? formatNumber(ratioOf(row, floor), 2) : '',
      row.status === 'ok' && http?.status === 'ok' ? formatNumber(ratioOf(row, http), 2) : '',
      withSpread(row.cpuUsPerStep),
      formatMegabytes(row.maxRssBytes),
      measured && row !== floor && row.maxRssBytes !== undefined && floor.maxRssBytes !== undefined
        ? formatMegabytes(row.maxRssBytes - floor.maxRssBytes)
        : '',
      ...(hasStream ? [withSpread(row.megabytesPerSecond)] : []),
      statusCell(row),
    ];
  });
  return [
    `## ${scenario.title}`,
    '',
    `${scenario.what} ${scenario.samples} samples of ${scenario.runsPerSample} runs (${scenario.stepsPerRun} model requests each), ${scenario.concurrency === 1 ? 'one run at a time' : `${scenario.concurrency} runs in flight`}; samples interleaved across contenders. Non-streaming contenders are compared with \`floor\`, streaming ones with \`floor.stream\` (× node:http: with \`floor.http\` and \`floor.http.stream\`, the same loops on raw \`node:http\`); × floor is the median of the per-round ratios (both samples taken back to back), overhead the difference of the medians.${pairedSentence(scenario)} \`gemloop.run\` and \`gemloop.stream\` use the default transport (undici's request API on Node), the \`.fetch\` rows \`transport: 'fetch'\`. The server spent ${formatNumber(scenario.serverUsPerRequest)} µs per request in its handler (${formatNumber(scenario.serverCpuUsPerRequest)} µs CPU, in its own process).`,
    '',
    markdownTable([header, ...lines], ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']),
  ].join('\n');
}

function overheadSection(scenario: OverheadScenarioResult): string {
  const kilobytes = (bytes: number | undefined): string =>
    bytes === undefined ? '–' : formatNumber(bytes / 1024, 1);
  const header = [
    'contender',
    'µs per step, median (p25–p75)',
    'µs without the server',
    'overhead vs floor, µs',
    '× floor',
    'CPU µs per step',
    'KB allocated per step',
    'KB vs floor',
    '',
  ];
  const lines = scenario.rows.map((row) => {
    const floor = scenario.rows.find(
      (candidate) => candidate.name === (row.streaming ? 'floor.stream' : 'floor'),
    );
    const measured = row.status === 'ok' && floor?.status === 'ok' && row !== floor;
    const allocated = row.allocatedBytesPerStep?.median;
    return [
      row.name,
      withSpread(row.wallUsPerStep),
      withSpread(row.ownUsPerStep),
      measured ? formatNumber(row.wallUsPerStep!.median - floor.wallUsPerStep!.median) : '',
      row.status === 'ok' && floor?.status === 'ok' ? formatNumber(ratioOf(row, floor), 2) : '',
      withSpread(row.cpuUsPerStep),
      kilobytes(allocated),
      measured && allocated !== undefined
        ? kilobytes(allocated - floor.allocatedBytesPerStep!.median)
        : '',
      statusCell(row),
    ];
  });
  const server = scenario.rows.find((row) => row.status === 'ok')?.serverUsPerStep?.median;
  return [
    `## ${scenario.title}`,
    '',
    `${scenario.what} ${scenario.samples} samples of ${scenario.runsPerSample} runs (${scenario.stepsPerRun} model requests each), one run at a time; samples interleaved across contenders. Non-streaming contenders are compared with \`floor\`, streaming ones with \`floor.stream\`; × floor is the median of the per-round ratios. "Without the server" subtracts the time spent inside the in-process server's \`fetch\` (about ${formatNumber(server)} µs per step: reading the body, \`JSON.parse\`, validating the history, building the \`Response\`). KB allocated is V8 heap allocation per step (heap used after minus before, plus what every GC in between freed), the server's share included.`,
    '',
    markdownTable([header, ...lines], ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']),
  ].join('\n');
}

function parseSection(scenario: ParseScenarioResult): string {
  const reference = scenario.rows.find((row) => row.name === 'eventsource-parser + JSON.parse');
  const lines = scenario.rows.map((row) => [
    row.name,
    withSpread(row.megabytesPerSecond),
    reference?.status === 'ok' && row.status === 'ok'
      ? formatNumber(ratioOf(row, reference), 2)
      : '',
    withSpread(row.cpuUsPerStep, 2),
    formatMegabytes(row.maxRssBytes),
    row.includes,
    statusCell(row),
  ]);
  return [
    `## ${scenario.title}`,
    '',
    `One Gemini 3 text answer of ${scenario.chunkCount.toLocaleString('en-US')} chunks (${formatMegabytes(scenario.byteLength)} MB of SSE, CRLF framing, cumulative usage on every chunk), cut into 16 KB pieces across event boundaries and handed to each parser from memory: no network, so this is the parser alone. Every pass must return the answer's exact text. × bare is the median of the per-round ratios to the first row.`,
    '',
    markdownTable(
      [
        [
          'parser',
          'MB/s, median (p25–p75)',
          '× bare',
          'CPU µs per chunk',
          'peak RSS MB',
          'what is included',
          '',
        ],
        ...lines,
      ],
      ['l', 'r', 'r', 'r', 'r', 'l', 'l'],
    ),
  ].join('\n');
}

function chatSection(scenario: ChatScenarioResult): string {
  const okRows = scenario.rows.filter((row) => row.status === 'ok');
  const windows = okRows[0]?.windows ?? [];
  const timeTable = markdownTable(
    [
      [
        'contender',
        ...windows.map((window) => `turns ${window.fromTurn}–${window.toTurn}: µs wall (CPU)`),
        '',
      ],
      ...scenario.rows.map((row) => [
        row.name,
        ...windows.map((_, index) => {
          const window = row.windows[index];
          return window === undefined
            ? '–'
            : `${formatNumber(window.wallUs.median)} (${formatNumber(window.cpuUs.median)})`;
        }),
        statusCell(row),
      ]),
    ],
    ['l', ...windows.map(() => 'r' as const), 'l'],
  );
  const checkpoints = okRows[0]?.bytesPerTurn.map((point) => point.turn) ?? [];
  const memoryTable = markdownTable(
    [
      [
        'contender',
        ...checkpoints.map(
          (turn, index) =>
            `heap bytes per turn, turns ${index === 0 ? 1 : checkpoints[index - 1]! + 1}–${turn}`,
        ),
        'peak RSS MB',
      ],
      ...scenario.rows.map((row) => [
        row.name,
        ...checkpoints.map((_, index) => formatNumber(row.bytesPerTurn[index]?.bytes)),
        formatMegabytes(row.maxRssBytes),
      ]),
    ],
    ['l', ...checkpoints.map(() => 'r' as const), 'r'],
  );
  return [
    `## ${scenario.title}`,
    '',
    'Each turn sends the whole history and gets a short signed text answer; the server checks every replayed turn. Time per turn grows with the history for everyone (the request body grows); what must stay flat is the memory each stored turn adds (heap after a full GC at each checkpoint, minus the heap at the previous one, divided by the turns in between). Where a library has a chat layer, it keeps the history (gemloop `createChatSession()`, genai `chats.create()`); the floor and the AI SDK keep the documented messages array.',
    '',
    timeTable,
    '',
    memoryTable,
  ].join('\n');
}

function leakSection(scenario: LeakScenarioResult): string {
  return [
    `## ${scenario.title}`,
    '',
    'One tool round and the answer per run, all on one client/agent. Heap after a full GC at every checkpoint; the slope is a least-squares fit from the second checkpoint on.',
    '',
    markdownTable(
      [
        ['contender', 'heap growth KB', 'slope, bytes per run', 'RSS growth MB', 'µs per run', ''],
        ...scenario.rows.map((row) => [
          row.name,
          formatNumber(row.growthBytes === undefined ? undefined : row.growthBytes / 1024),
          formatNumber(row.bytesPerRun, 1),
          formatMegabytes(row.rssGrowthBytes),
          formatNumber(row.usPerRun),
          statusCell(row),
        ]),
      ],
      ['l', 'r', 'r', 'r', 'r', 'l'],
    ),
  ].join('\n');
}

function importSection(scenario: ImportScenarioResult): string {
  const zod = scenario.rows.find((row) => row.name === 'zod (baseline)');
  const zodMs = zod?.status === 'ok' ? zod.importMs!.median : undefined;
  return [
    `## ${scenario.title}`,
    '',
    "Time of the dynamic imports inside a fresh `node` process (Node's own start-up excluded), median of the samples; the packages' default entry points, so `@gemloop/core` is its built `dist`.",
    '',
    markdownTable(
      [
        ['modules', 'import ms, median (p25–p75)', 'vs zod, ms', 'RSS after import MB', ''],
        ...scenario.rows.map((row) => [
          row.name,
          withSpread(row.importMs),
          zodMs !== undefined && row.status === 'ok' && row !== zod
            ? formatNumber(row.importMs!.median - zodMs)
            : '',
          formatMegabytes(row.rssBytes?.median),
          statusCell(row),
        ]),
      ],
      ['l', 'r', 'r', 'r', 'l'],
    ),
  ].join('\n');
}

function problems(results: readonly ScenarioResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    for (const row of result.rows as readonly (
      | ContenderRow
      | { name: string; status: string; message?: string | undefined }
    )[]) {
      if (row.status !== 'ok') {
        lines.push(
          `- **${result.title}**, \`${row.name}\` ${row.status === 'unavailable' ? 'skipped' : 'FAILED'}: ${(row.message ?? '').split('\n').join('\n  ')}`,
        );
      }
    }
  }
  return lines;
}

/** The whole results page. */
export function renderReport(report: BenchReport): string {
  const { machine } = report;
  const load = (values: number[] | undefined): string =>
    values === undefined ? '–' : values.map((value) => value.toFixed(2)).join(' / ');
  // The 1-minute averages: at the start, before the bench loads the machine, and at the end, where
  // the bench itself accounts for up to two runnable processes (server and contender).
  const startLoad = machine.loadAtStart[0] ?? 0;
  const endLoad = machine.loadAtEnd?.[0] ?? 0;
  const busy = startLoad > machine.cores * 0.5 || endLoad > machine.cores * 0.5 + 2;
  const sections: string[] = [
    '# gemloop bench',
    '',
    `${report.settings.quick ? 'Quick run (indicative only; each contender keeps one process across scenarios, so its peak RSS accumulates). ' : ''}Run ${report.startedAt} in ${formatNumber(report.durationSeconds)} s, gemloop commit ${machine.commit}.`,
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.platform}, Node ${machine.node}. Load average (1/5/15 min) at start ${load(machine.loadAtStart)}, at end ${load(machine.loadAtEnd)}.${busy ? ' **The machine was busy: treat these numbers as provisional.**' : ''}`,
    '',
    markdownTable([
      ['package', 'version'],
      ...machine.versions.map((entry) => [entry.name, entry.version]),
    ]),
    '',
    'Every contender runs the same conversations against a local scripted Gemini 3 server (its own process) that validates every request: the history replayed verbatim, thought signatures and call ids included, one correct `functionResponse` per call. A contender that breaks a rule, or does not reach the scripted final answer, fails the run. Each contender runs in its own process per scenario; CPU is `process.cpuUsage()` of that process (all its threads, so GC helper threads count and CPU can exceed wall time), peak RSS its `maxRSS`.',
    '',
    '## Targets',
    '',
    markdownTable([
      ['target', 'measured', 'goal', 'result'],
      ...report.targets.map((check) => [
        check.target,
        check.measured,
        check.goal,
        check.result === 'MISS' ? '**MISS**' : check.result,
      ]),
    ]),
  ];
  for (const result of report.results) {
    sections.push('');
    if (result.kind === 'loop') sections.push(loopSection(result));
    else if (result.kind === 'overhead') sections.push(overheadSection(result));
    else if (result.kind === 'parse') sections.push(parseSection(result));
    else if (result.kind === 'chat') sections.push(chatSection(result));
    else if (result.kind === 'leak') sections.push(leakSection(result));
    else sections.push(importSection(result));
  }
  const issues = problems(report.results);
  if (issues.length > 0) sections.push('', '## Failed or skipped', '', ...issues);
  return `${sections.join('\n')}\n`;
}
