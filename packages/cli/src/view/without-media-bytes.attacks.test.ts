import { describe, expect, it } from 'vitest';
import { withoutMediaBytes } from './without-media-bytes.ts';

// attack56: a tool's result that is itself a media holder with media inside it (a PDF with its
// preview image). Before: the walk replaced the outer holder's data and stopped there, so the
// preview's 400,000 characters went to the page as they were.
describe('withoutMediaBytes on media inside a media holder', () => {
  it('replaces the inner bytes too, keeping every field in its place', () => {
    const preview = 'A'.repeat(400_000);
    const line = {
      type: 'tool-call-end',
      result: {
        mimeType: 'application/pdf',
        data: 'JVBERi0xLjQ=',
        preview: { mimeType: 'image/png', data: preview },
      },
    };
    const shown = withoutMediaBytes(line);
    expect(JSON.stringify(shown)).not.toContain(preview);
    expect(shown.result.data).toBe('JVBERi0xLjQ=');
    expect(shown.result.preview.data).toBe(
      '[image/png, 400,000 characters of base64 (~0.3 MB), not shown]',
    );
    expect(Object.keys(shown.result)).toEqual(['mimeType', 'data', 'preview']);
  });
});
