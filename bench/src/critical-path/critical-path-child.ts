/**
 * Entry of one contender's process in the critical-path run: `node critical-path.mjs <contender>
 * <server url> <runs> [warm-up runs]`. It warms the contender up (1,000 runs unless told), then
 * runs the sequential script with the socket probe recording, and sends the summary, the wall and
 * CPU time per step back to its parent.
 */
import { CONTENDERS } from '../contenders/registry.ts';
import { expectedFinalText, loopPrompt, stepsPerRun } from '../script/run-script.ts';
import { contenderBaseUrl } from '../server/contender-base-url.ts';
import { createCriticalPathProbe, installSocketProbe } from './critical-path-probe.ts';

const [name, serverUrl, runsArgument, warmupArgument] = process.argv.slice(2);
const entry = CONTENDERS.find((candidate) => candidate.name === name);
if (entry === undefined || serverUrl === undefined)
  throw new Error(`usage: <contender> <server url> <runs> [warm-up runs]`);
const runs = Number(runsArgument ?? 300);
const warmupRuns = Number(warmupArgument ?? 1000);
const probe = createCriticalPathProbe();
installSocketProbe(probe);
const contender = await entry.load();
const runner = await contender.createLoop({
  baseUrl: contenderBaseUrl(serverUrl, entry.name, 'seq5'),
  apiKey: 'bench-key-not-secret',
  maxSteps: 20,
});
// Built before any timing, as the bench's workers do: making a prompt costs more than a step.
const prompts = Array.from({ length: 256 }, (_, seed) => loopPrompt('seq5', seed));
const answers = Array.from({ length: 256 }, (_, seed) => expectedFinalText('seq5', seed));
let seed = 0;
const runOnce = async (): Promise<void> => {
  const current = seed++ % 256;
  probe.startRun(performance.now());
  const text = await runner.run(prompts[current] as string);
  if (text !== answers[current]) throw new Error(`${name}: wrong final answer`);
};
for (let run = 0; run < warmupRuns; run++) await runOnce();
probe.record(true);
const started = performance.now();
const cpu = process.cpuUsage();
for (let run = 0; run < runs; run++) await runOnce();
const used = process.cpuUsage(cpu);
const steps = runs * stepsPerRun('seq5');
process.send?.({
  ...probe.summary(),
  wallPerStep: ((performance.now() - started) * 1000) / steps,
  cpuPerStep: (used.user + used.system) / steps,
});
process.disconnect?.();
