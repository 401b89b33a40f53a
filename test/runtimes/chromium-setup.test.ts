import { describe, expect, it } from 'vitest';
import { openBrowserContext } from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import { RendererCrashedError } from '../../packages/cli/src/view/__fixtures__/renderer-crashed-error.ts';
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
      // Now the context's own page kept open by openBrowserContext, this one, and their tabs.
      expect(ours.map((target) => target.type).sort()).toEqual(['page', 'page', 'tab', 'tab']);
      expect(
        ours
          .filter((target) => target.type === 'page')
          .map((target) => target.url)
          .sort(),
      ).toEqual(['about:blank', 'data:text/html,<p>one page</p>']);
      await cdp.detach();
    } finally {
      await session.close();
    }
  });
});

describe("a context's one renderer (--renderer-process-limit=1 and the kept page)", () => {
  it("puts a context's pages in one renderer, whose crash close() reports, and no other context's", async () => {
    const [session, other] = await Promise.all([openBrowserContext(), openBrowserContext()]);
    try {
      const [crashing, sibling, elsewhere] = await Promise.all([
        session.context.newPage(),
        session.context.newPage(),
        other.context.newPage(),
      ]);
      await Promise.all(
        [crashing, sibling, elsewhere].map((page) => page.setContent('<p>a page</p>')),
      );
      const crashed = new Promise<void>((resolve) => crashing.once('crash', () => resolve()));
      const cdp = await session.context.newCDPSession(crashing);
      // Page.crash answers nothing: the renderer it would answer from is gone.
      void cdp.send('Page.crash').catch(() => undefined);
      await crashed;
      // The sibling, another page of the context, went down with the renderer it shared (an
      // evaluation on a page of a renderer of its own would answer 1).
      await expect(sibling.evaluate(() => 1)).rejects.toThrow(/Target crashed/);
      // Contexts never share a renderer: the other test's page lives on.
      expect(await elsewhere.evaluate(() => 1 + 1)).toBe(2);
      // A page opened after the crash starts a renderer of its own again.
      const after = await session.context.newPage();
      await after.setContent('<p>after</p>');
      expect(await after.evaluate(() => document.body.textContent)).toBe('after');
      const closing = session.close();
      await expect(closing).rejects.toBeInstanceOf(RendererCrashedError);
      await expect(closing).rejects.toMatchObject({
        // The kept page, the crashing page and its sibling, all three at about:blank.
        pages: ['about:blank', 'about:blank', 'about:blank'],
        message: expect.stringContaining('--renderer-process-limit=1'),
      });
    } finally {
      await other.close();
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
