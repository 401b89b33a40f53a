import { describe, expect, it } from 'vitest';
import { readGitConfigPaths } from './read-git-config-paths.ts';

describe('readGitConfigPaths', () => {
  it('reads core.hooksPath and include paths in the spellings git accepts', () => {
    const config = [
      '# a comment',
      '[core]',
      '\trepositoryformatversion = 0',
      '\thooksPath = .githooks # trailing comment',
      '[Core]',
      '\tHOOKSPATH = "quoted path/with \\"quotes\\""',
      '[core] hooksPath = same-line',
      '[include]',
      '\tpath = ../shared.gitconfig',
      '[includeIf "gitdir:~/work/"]',
      '\tpath = "work config"',
      '[remote "origin"]',
      '\tpath = not-an-include',
      '[core.sub]',
      '\thooksPath = legacy-subsection-is-another-key',
      '[core "sub"]',
      '\thooksPath = subsection-is-another-key',
      '[core]',
      '\thooksPath = con\\',
      'tinued',
      '\thooksPath',
    ].join('\n');
    expect(readGitConfigPaths(config)).toEqual({
      hooksPaths: ['.githooks', 'quoted path/with "quotes"', 'same-line', 'continued'],
      includePaths: ['../shared.gitconfig', 'work config'],
    });
  });

  it('reads nothing from keys of other sections, and never throws on garbage', () => {
    expect(readGitConfigPaths('[hooks]\n\thooksPath = x\n[corex]\n\thooksPath = y\n')).toEqual({
      hooksPaths: [],
      includePaths: [],
    });
    for (const garbage of [
      '[',
      '[core',
      '= x',
      '[core]\n=\n"',
      '\\',
      '[core]\nhooksPath = "unclosed',
    ]) {
      expect(() => readGitConfigPaths(garbage)).not.toThrow();
    }
    expect(readGitConfigPaths('[core]\r\n\thooksPath = crlf\r\n').hooksPaths).toEqual(['crlf']);
  });
});
