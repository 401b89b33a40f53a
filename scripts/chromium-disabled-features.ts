import { readFileSync } from 'node:fs';

/**
 * Chromium features the run's pages never use and every page paid for, turned off in the run's one
 * browser (scripts/chromium-setup.ts). Chromium 156's headless mode opens a browser window for each
 * context's first page, and each window started two renderers besides the page's own: the
 * omnibox's suggestion popup, a WebUI page (`chrome://omnibox-popup.top-chrome/`, a
 * `--top-chrome-webui` renderer, the three `WebUIOmnibox*` features), and a spare renderer kept
 * warm for the next cross-site navigation (`SpareRendererForSitePerProcess`): a test's page
 * navigates in the renderer it opened with, and a cross-site navigation without a spare starts
 * its renderer when it needs one. With them off a page has one renderer. Measured on the browser
 * test files (the 14 viewer files, test/runtimes' five, computer-use-executor; Chromium's
 * processes sampled from /proc every 0.25 s; A B B A at load 35-46): Chromium 99.1, 103.1 ->
 * 53.4, 52.2 s of CPU; renderers 165, 188 -> 56, 57 processes and 58.7, 63.1 -> 21.7, 22.0 s;
 * the browser process 30.0, 29.9 -> ~22.2, 21.3 s. Wall 290, 243 -> 235, 241 s. The run now
 * drives Chromium's headless shell (ensure-chromium.ts), which opens no window and so no omnibox;
 * the list stays, as harmless there, and a page still has one renderer (the cli project's 56
 * browser contexts: 56 renderers with either binary).
 */
export const TEST_DISABLED_FEATURES: readonly string[] = [
  'WebUIOmniboxPopup',
  'WebUIOmniboxFullPopup',
  'WebUIOmniboxAimPopup',
  'SpareRendererForSitePerProcess',
];

/**
 * playwright-core's own `--disable-features` list (1.65.1, its `chromiumSwitches.ts`), read back
 * from a browser it launched. Chromium honours only the last `--disable-features` on its command
 * line (browserless/browserless#5450, unclecode/crawl4ai#2219), and playwright-core puts the
 * caller's `args` after its own: a flag of ours alone would turn its list back on. So ours carries
 * its list too; {@link missingPlaywrightFeatures} finds what a newer playwright-core added.
 */
export const PLAYWRIGHT_DISABLED_FEATURES: readonly string[] = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/** The one `--disable-features` switch that turns off every name given, each once, in order. */
export function disableFeaturesArg(...lists: ReadonlyArray<readonly string[]>): string {
  return `--disable-features=${[...new Set(lists.flat())].join(',')}`;
}

/**
 * The features of the first `--disable-features` on a command line (playwright-core's own, which
 * comes before the caller's arguments) that the last one (the one Chromium honours) leaves on:
 * empty when the last switch carries all of the first's.
 */
export function missingPlaywrightFeatures(argv: readonly string[]): string[] {
  const lists = argv
    .filter((arg) => arg.startsWith('--disable-features='))
    .map((arg) => arg.slice('--disable-features='.length).split(',').filter(Boolean));
  const first = lists[0] ?? [];
  const honoured = new Set(lists.at(-1) ?? []);
  return first.filter((name) => !honoured.has(name));
}

/** A process's command line from `/proc/<pid>/cmdline` (Linux, where the tests run). */
export function readCommandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}
