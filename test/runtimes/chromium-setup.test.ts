import { describe, expect, it } from 'vitest';
import { openBrowserContext } from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import {
  disableFeaturesArg,
  missingPlaywrightFeatures,
  PLAYWRIGHT_DISABLED_FEATURES,
  TEST_DISABLED_FEATURES,
} from '../../scripts/chromium-disabled-features.ts';

describe("the run's Chromium (scripts/chromium-setup.ts)", () => {
  it('opens a page without the omnibox popup WebUI that cost two renderers a page', async () => {
    const session = await openBrowserContext();
    try {
      const page = await session.context.newPage();
      await page.goto('data:text/html,<p>one page</p>');
      const browser = session.context.browser();
      if (browser === null) throw new Error('the context has no browser');
      const cdp = await browser.newBrowserCDPSession();
      const { targetInfos } = (await cdp.send('Target.getTargets', { filter: [{}] })) as {
        targetInfos: Array<{ type: string; url: string; browserContextId?: string }>;
      };
      const pageTarget = targetInfos.find(
        (target) => target.type === 'page' && target.url.startsWith('data:text/html,'),
      );
      expect(pageTarget?.browserContextId).toBeDefined();
      const ours = targetInfos.filter(
        (target) => target.browserContextId === pageTarget?.browserContextId,
      );
      // Before: 'browser_ui chrome://omnibox-popup.top-chrome/' and its AIM twin, each a renderer.
      expect(ours.map((target) => target.type).sort()).toEqual(['page', 'tab']);
      await cdp.detach();
    } finally {
      await session.close();
    }
  });
});

describe('the one --disable-features switch', () => {
  it("carries playwright-core's list and the run's, each name once", () => {
    expect(disableFeaturesArg(['A', 'B'], [], ['B', 'C'])).toBe('--disable-features=A,B,C');
    const arg = disableFeaturesArg(PLAYWRIGHT_DISABLED_FEATURES, TEST_DISABLED_FEATURES);
    expect(
      missingPlaywrightFeatures([`--disable-features=${PLAYWRIGHT_DISABLED_FEATURES}`, arg]),
    ).toEqual([]);
  });

  it('names what the last switch, the one Chromium honours, turns back on', () => {
    const argv = ['--disable-features=A,B,C', '--headless', '--disable-features=B,X'];
    expect(missingPlaywrightFeatures(argv)).toEqual(['A', 'C']);
    expect(missingPlaywrightFeatures(['--headless'])).toEqual([]);
  });
});
