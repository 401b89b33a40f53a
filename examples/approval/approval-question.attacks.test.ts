import { describe, expect, it } from 'vitest';
import { approvalQuestion } from './approval-question.ts';

// terminal42: the approval prompt is where a terminal escape does harm. A cursor-up and
// erase-line in the model's arguments erased the real call's line and wrote a harmless one in its
// place, so the user approved `delete_file(path: ".env")` reading `drafts/x.md`.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('the approval question over hostile arguments', () => {
  it('shows a cursor-up, erase-line and forged call as text next to the real arguments', () => {
    const question = approvalQuestion({
      toolName: 'delete_file',
      rawArgs: {
        path: '.env',
        note: '\u001b[1A\u001b[2K\rdelete_file(path: "drafts/x.md")\u009b1A\u009b2K',
      },
    });
    expect(question).not.toMatch(RAW_CONTROL);
    expect(question).toBe(
      '\ndelete_file(path: ".env", note: "\\u001b[1A\\u001b[2K\\rdelete_file(path: \\"drafts/x.md\\")\\u{9b}1A\\u{9b}2K")\n' +
        '  [a]pprove, [d]eny, [e]dit? ',
    );
  });

  it('shows OSC 52, OSC 8, a bidi override and NUL in a key or a tool name as text', () => {
    const question = approvalQuestion({
      toolName: 'send\u202Eliame',
      rawArgs: {
        ['to\u001b]52;c;cm0gLXJm\u0007']: 'a@b.example\u0000',
        link: '\u001b]8;;https://evil.example\u001b\\ok\u001b]8;;\u001b\\',
      },
    });
    expect(question).not.toMatch(RAW_CONTROL);
    expect(question).toContain('send\\u{202e}liame(to\\u{1b}]52;c;cm0gLXJm\\u{7}: ');
    expect(question).toContain('"a@b.example\\u0000"');
  });

  it('keeps emoji, CJK and RTL text as they are', () => {
    expect(approvalQuestion({ toolName: 'note', rawArgs: { text: '🌍 東京 مرحبا' } })).toBe(
      '\nnote(text: "🌍 東京 مرحبا")\n  [a]pprove, [d]eny, [e]dit? ',
    );
  });
});
