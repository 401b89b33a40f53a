import { describe, expect, it } from 'vitest';
import { createStyle } from './style.ts';

describe('createStyle', () => {
  it('colours a terminal and leaves a pipe plain', () => {
    expect(createStyle({ stream: { isTTY: true }, env: {} }).red('x')).toBe(
      '\u001b[31mx\u001b[39m',
    );
    expect(createStyle({ stream: { isTTY: false }, env: {} }).red('x')).toBe('x');
  });

  it('honours NO_COLOR, TERM=dumb and FORCE_COLOR', () => {
    expect(createStyle({ stream: { isTTY: true }, env: { NO_COLOR: '1' } }).enabled).toBe(false);
    expect(createStyle({ stream: { isTTY: true }, env: { NO_COLOR: '' } }).enabled).toBe(true);
    expect(createStyle({ stream: { isTTY: true }, env: { TERM: 'dumb' } }).enabled).toBe(false);
    expect(createStyle({ stream: { isTTY: false }, env: { FORCE_COLOR: '1' } }).enabled).toBe(true);
    expect(createStyle({ stream: { isTTY: true }, env: { FORCE_COLOR: '0' } }).enabled).toBe(false);
  });
});
