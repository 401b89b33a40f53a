import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStyle } from '../lib/style.ts';
import { createWaitingIndicator } from './waiting-indicator.ts';

const style = createStyle({ stream: { isTTY: false }, env: {} });

afterEach(() => {
  vi.useRealTimers();
});

describe('createWaitingIndicator', () => {
  it('draws a moving spinner on a terminal and erases its line when stopped', () => {
    vi.useFakeTimers();
    const written: string[] = [];
    const indicator = createWaitingIndicator({
      write: (text) => written.push(text),
      enabled: true,
      style,
    });
    indicator.start();
    indicator.start();
    vi.advanceTimersByTime(160);
    indicator.stop();
    indicator.stop();
    expect(written).toEqual([
      '\r\u001b[2K⠋ thinking…',
      '\r\u001b[2K⠙ thinking…',
      '\r\u001b[2K⠹ thinking…',
      '\r\u001b[2K',
    ]);
    vi.advanceTimersByTime(1000);
    expect(written).toHaveLength(4);
  });

  it('writes nothing at all when not on a terminal', () => {
    vi.useFakeTimers();
    const write = vi.fn();
    const indicator = createWaitingIndicator({ write, enabled: false, style });
    indicator.start();
    vi.advanceTimersByTime(1000);
    indicator.stop();
    expect(write).not.toHaveBeenCalled();
  });
});
