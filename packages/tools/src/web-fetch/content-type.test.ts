import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ALLOWED_CONTENT_TYPES,
  isContentTypeAllowed,
  isHtml,
  parseContentType,
} from './content-type.ts';

// What a server says its body is decides whether the body is read, converted from HTML or
// refused: the header is the server's, so every odd spelling has to land somewhere safe.

describe('parseContentType', () => {
  it.each([
    ['text/html; charset=UTF-8', 'text/html', 'utf-8'],
    ['TEXT/HTML;CHARSET="ISO-8859-1"', 'text/html', 'iso-8859-1'],
    ['application/json', 'application/json', undefined],
    ['text/plain; format=flowed; charset=us-ascii', 'text/plain', 'us-ascii'],
    ['text/plain; charset=', 'text/plain', undefined],
    ['text/plain; charset=""', 'text/plain', undefined],
    ['  application/ld+json  ;  charset = utf-8 ', 'application/ld+json', 'utf-8'],
  ])('reads %j as %s with charset %s', (header, mimeType, charset) => {
    expect(parseContentType(header)).toEqual({ mimeType, charset });
  });

  it('takes a missing or blank header for text/plain (the body is then checked for binary)', () => {
    expect(parseContentType(undefined)).toEqual({ mimeType: 'text/plain', charset: undefined });
    expect(parseContentType(' \t')).toEqual({ mimeType: 'text/plain', charset: undefined });
  });

  it.each([
    'html',
    'text/',
    '/html',
    'text/html/extra',
    'text/<script>',
    'text/html\u0000',
    'tëxt/html',
    '"text/html"',
  ])('takes the malformed %j for binary, never for a type it would read', (header) => {
    expect(parseContentType(header).mimeType).toBe('application/octet-stream');
  });

  it('reads a header of a megabyte without trouble, and refuses its unknown type', () => {
    const header = `text/${'x'.repeat(1_000_000)}; charset=utf-8`;
    const parsed = parseContentType(header);
    expect(parsed.mimeType.startsWith('text/x')).toBe(true);
    expect(isContentTypeAllowed(parsed.mimeType, DEFAULT_ALLOWED_CONTENT_TYPES)).toBe(false);
  });
});

describe('isContentTypeAllowed', () => {
  it.each([
    ['text/html', true],
    ['application/xhtml+xml', true],
    ['application/ld+json', true],
    ['application/atom+xml', true],
    ['text/csv', true],
    ['image/png', false],
    ['application/pdf', false],
    ['application/octet-stream', false],
    ['application/jsonx', false],
    ['application/x-json+', false],
    ['text/javascript', false],
  ])('by default, %s is %s', (mimeType, allowed) => {
    expect(isContentTypeAllowed(mimeType, DEFAULT_ALLOWED_CONTENT_TYPES)).toBe(allowed);
  });

  it('reads patterns for any subtype, any type and structured suffixes, in any case', () => {
    expect(isContentTypeAllowed('text/anything', ['TEXT/*'])).toBe(true);
    expect(isContentTypeAllowed('image/png', ['*/*'])).toBe(true);
    expect(isContentTypeAllowed('application/vnd.api+json', ['application/*+JSON'])).toBe(true);
    expect(isContentTypeAllowed('text/json', ['application/*+json'])).toBe(false);
    expect(isContentTypeAllowed('text/html', [])).toBe(false);
  });
});

describe('isHtml', () => {
  it('converts HTML and XHTML only', () => {
    expect(isHtml('text/html')).toBe(true);
    expect(isHtml('application/xhtml+xml')).toBe(true);
    expect(isHtml('text/xml')).toBe(false);
    expect(isHtml('text/plain')).toBe(false);
  });
});
