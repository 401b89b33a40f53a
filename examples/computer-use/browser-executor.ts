import type {
  ComputerUseAction,
  ComputerUseExecutor,
  ComputerUseObservation,
} from '@gemloop/core/tools';

// A computer use executor on a browser page (playwright-core's `Page` fits `BrowserPage`): the
// model's predefined actions (ai.google.dev/gemini-api/docs/computer-use, "Supported actions")
// run on the page, and each is answered with the page's URL and a PNG screenshot, which the agent
// sends as a multimodal function response. Coordinates come on a 1000 x 1000 grid and are scaled
// to the viewport. The model's arguments are hostile input: numbers are checked, text is bounded,
// and `navigate` goes only where `allowUrl` says.

/** The part of playwright-core's `Page` the executor uses. */
export type BrowserPage = {
  url(): string;
  goto(url: string): Promise<unknown>;
  goBack(): Promise<unknown>;
  goForward(): Promise<unknown>;
  viewportSize(): { width: number; height: number } | null;
  screenshot(options: { type: 'png' }): Promise<Uint8Array>;
  mouse: {
    click(x: number, y: number): Promise<void>;
    move(x: number, y: number): Promise<void>;
    down(): Promise<void>;
    up(): Promise<void>;
    wheel(deltaX: number, deltaY: number): Promise<void>;
  };
  keyboard: { type(text: string): Promise<void>; press(key: string): Promise<void> };
};

/** Options of {@link createBrowserExecutor}. */
export type BrowserExecutorOptions = {
  /**
   * Whether the model may open `url` (`navigate`, `search`). Default: http(s) URLs only.
   * Give an origin check for anything real: the model picks these URLs.
   */
  allowUrl?: ((url: URL) => boolean) | undefined;
  /** Where `search` goes. @defaultValue `'https://www.google.com/'` */
  searchUrl?: string | undefined;
  /** How `wait_5_seconds` waits (tests pass a no-op). */
  wait?: ((ms: number) => Promise<void>) | undefined;
  /** Called before each action runs, e.g. to print it. */
  onAction?: ((action: ComputerUseAction) => void) | undefined;
};

/** The longest text `type_text_at` types: a hostile model could ask for megabytes. */
export const MAX_TYPED_CHARS = 10_000;
/** The grid the model's coordinates are on. */
const GRID = 1000;

/** An action the executor could not run: the model gets the message as the call's error. */
export class BrowserActionError extends Error {
  override name = 'BrowserActionError';
  readonly action: string;
  constructor(action: string, message: string) {
    super(message);
    this.action = action;
  }
}

/** An executor for `computerUse({ execute })` that drives `page`. */
export function createBrowserExecutor(
  page: BrowserPage,
  options: BrowserExecutorOptions = {},
): ComputerUseExecutor {
  const allowUrl =
    options.allowUrl ?? ((url) => url.protocol === 'https:' || url.protocol === 'http:');
  const wait = options.wait ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (action): Promise<ComputerUseObservation> => {
    options.onAction?.(action);
    await run(page, action, { allowUrl, wait, searchUrl: options.searchUrl });
    return {
      url: page.url(),
      screenshot: { mimeType: 'image/png', data: await page.screenshot({ type: 'png' }) },
    };
  };
}

async function run(
  page: BrowserPage,
  { name, args }: ComputerUseAction,
  context: {
    allowUrl: (url: URL) => boolean;
    wait: (ms: number) => Promise<void>;
    searchUrl: string | undefined;
  },
): Promise<void> {
  const point = (xKey = 'x', yKey = 'y') => toPixels(page, name, args[xKey], args[yKey]);
  switch (name) {
    case 'open_web_browser':
      return; // The page is the browser.
    case 'wait_5_seconds':
      return context.wait(5_000);
    case 'go_back':
      await page.goBack();
      return;
    case 'go_forward':
      await page.goForward();
      return;
    case 'search':
      await page.goto(checkUrl(name, context.searchUrl ?? 'https://www.google.com/', context));
      return;
    case 'navigate':
      await page.goto(checkUrl(name, args['url'], context));
      return;
    case 'click_at': {
      const [x, y] = point();
      await page.mouse.click(x, y);
      return;
    }
    case 'hover_at': {
      const [x, y] = point();
      await page.mouse.move(x, y);
      return;
    }
    case 'type_text_at': {
      const [x, y] = point();
      const text = args['text'];
      if (typeof text !== 'string' || text.length > MAX_TYPED_CHARS) {
        throw new BrowserActionError(
          name,
          `type_text_at needs text, a string of at most ${MAX_TYPED_CHARS} characters.`,
        );
      }
      await page.mouse.click(x, y);
      // Both default to true in Google's reference implementation.
      if (args['clear_before_typing'] !== false) {
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.press('Backspace');
      }
      await page.keyboard.type(text);
      if (args['press_enter'] !== false) await page.keyboard.press('Enter');
      return;
    }
    case 'key_combination': {
      const keys = args['keys'];
      if (typeof keys !== 'string' || keys.length === 0 || keys.length > 100) {
        throw new BrowserActionError(name, 'key_combination needs keys such as "Control+C".');
      }
      await page.keyboard.press(keys.split('+').map(toKeyName).join('+'));
      return;
    }
    case 'scroll_document': {
      const size = viewport(page);
      const [dx, dy] = scrollDelta(name, args['direction'], size.width, size.height);
      await page.mouse.wheel(dx, dy);
      return;
    }
    case 'scroll_at': {
      const [x, y] = point();
      const magnitude = typeof args['magnitude'] === 'number' ? args['magnitude'] : 800;
      if (!Number.isFinite(magnitude) || magnitude < 0 || magnitude > GRID) {
        throw new BrowserActionError(name, `scroll_at magnitude must be 0 to ${GRID}.`);
      }
      const size = viewport(page);
      const [dx, dy] = scrollDelta(
        name,
        args['direction'],
        (magnitude / GRID) * size.width,
        (magnitude / GRID) * size.height,
      );
      await page.mouse.move(x, y);
      await page.mouse.wheel(dx, dy);
      return;
    }
    case 'drag_and_drop': {
      const [x, y] = point();
      const [toX, toY] = point('destination_x', 'destination_y');
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(toX, toY);
      await page.mouse.up();
      return;
    }
    default:
      throw new BrowserActionError(name, `This executor does not know the action ${name}.`);
  }
}

function viewport(page: BrowserPage): { width: number; height: number } {
  return page.viewportSize() ?? { width: 1280, height: 800 };
}

/** Grid coordinates (0-999) to viewport pixels. */
function toPixels(page: BrowserPage, action: string, x: unknown, y: unknown): [number, number] {
  if (!isGridValue(x) || !isGridValue(y)) {
    throw new BrowserActionError(action, `${action} needs x and y on the 0-999 grid.`);
  }
  const { width, height } = viewport(page);
  return [Math.round((x / GRID) * width), Math.round((y / GRID) * height)];
}

function isGridValue(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < GRID;
}

function scrollDelta(
  action: string,
  direction: unknown,
  width: number,
  height: number,
): [number, number] {
  switch (direction) {
    case 'up':
      return [0, -height];
    case 'down':
      return [0, height];
    case 'left':
      return [-width, 0];
    case 'right':
      return [width, 0];
    default:
      throw new BrowserActionError(action, `${action} direction must be up, down, left or right.`);
  }
}

function checkUrl(
  action: string,
  value: unknown,
  context: { allowUrl: (url: URL) => boolean },
): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new BrowserActionError(action, `${action} needs an absolute URL.`);
  }
  if (!context.allowUrl(url)) {
    throw new BrowserActionError(action, `${action} to ${url.origin} is not allowed here.`);
  }
  return url.href;
}

// The model writes keys as "control", "Enter", "cmd"...; playwright wants its own names.
const KEY_NAMES: Record<string, string> = {
  control: 'Control',
  ctrl: 'Control',
  shift: 'Shift',
  alt: 'Alt',
  meta: 'Meta',
  cmd: 'Meta',
  command: 'Meta',
  enter: 'Enter',
  return: 'Enter',
  tab: 'Tab',
  escape: 'Escape',
  esc: 'Escape',
  backspace: 'Backspace',
  delete: 'Delete',
  space: 'Space',
};

function toKeyName(key: string): string {
  const trimmed = key.trim();
  return KEY_NAMES[trimmed.toLowerCase()] ?? trimmed;
}
