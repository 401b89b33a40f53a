import type { Style } from '../lib/style.ts';

/** Options of {@link createWaitingIndicator}. */
export type WaitingIndicatorOptions = {
  /** Where the indicator is drawn, e.g. `(text) => process.stdout.write(text)`. */
  write: (text: string) => void;
  /**
   * Draw at all: only on a terminal. On a pipe or in a log file the frames and the carriage
   * returns that erase them would be noise, so there it does nothing.
   */
  enabled: boolean;
  style: Style;
  /** @defaultValue `'thinking…'` */
  label?: string | undefined;
  /** Time between frames. @defaultValue 80 */
  intervalMs?: number | undefined;
};

/** A one-line spinner shown while the model has not said anything yet. */
export type WaitingIndicator = {
  /** Draws it on the current line, which must be empty. Does nothing when already shown. */
  start(): void;
  /** Erases it and leaves the cursor at the start of the line. Safe to call at any time. */
  stop(): void;
};

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
// Carriage return, then "erase the whole line" (CSI 2 K).
const CLEAR_LINE = '\r\u001b[2K';

/**
 * A spinner for the wait before the first answer text or tool call: a request with thinking on
 * can take seconds before the model sends anything, and a terminal where nothing moves looks hung.
 * The caller stops it before anything else is written to the line.
 */
export function createWaitingIndicator({
  write,
  enabled,
  style,
  label = 'thinking…',
  intervalMs = 80,
}: WaitingIndicatorOptions): WaitingIndicator {
  let timer: ReturnType<typeof setInterval> | undefined;
  let frame = 0;
  const draw = () => {
    write(`${CLEAR_LINE}${style.dim(`${FRAMES[frame % FRAMES.length]} ${label}`)}`);
    frame++;
  };
  return {
    start() {
      if (!enabled || timer !== undefined) return;
      frame = 0;
      draw();
      timer = setInterval(draw, intervalMs);
      // A forgotten spinner must not keep the process alive.
      timer.unref();
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      write(CLEAR_LINE);
    },
  };
}
