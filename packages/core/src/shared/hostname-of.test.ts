import { describe, expect, it } from 'vitest';
import { hostnameOf } from './hostname-of.ts';

describe('hostnameOf', () => {
  it('reads a Host value as a URL writes its name: lower-case, no port, no trailing dot', () => {
    expect(hostnameOf('LocalHost:8080')).toBe('localhost');
    expect(hostnameOf('localhost.')).toBe('localhost');
    expect(hostnameOf('[::1]:3000')).toBe('[::1]');
    expect(hostnameOf('127.0.0.1')).toBe('127.0.0.1');
    expect(hostnameOf('bücher.example')).toBe('xn--bcher-kva.example');
  });

  it('names no host for a value with a path, user part, backslash or space, or none at all', () => {
    for (const value of ['', 'evil@127.0.0.1', 'a/b', 'a?b', 'a#b', 'a\\b', 'a b', '[::1'])
      expect(hostnameOf(value)).toBeUndefined();
  });
});
