import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { toDocumentPath, toOperationPath, toStorePath } from './store-paths.ts';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('File Search resource paths', () => {
  it('takes store, document and operation names as the API writes them', () => {
    expect(toStorePath('fileSearchStores/my-store-123')).toBe('fileSearchStores/my-store-123');
    expect(toStorePath('my-store-123')).toBe('fileSearchStores/my-store-123');
    expect(toDocumentPath('fileSearchStores/s1/documents/doc-1')).toBe(
      'fileSearchStores/s1/documents/doc-1',
    );
    expect(toOperationPath('fileSearchStores/s1/operations/op-1')).toBe(
      'fileSearchStores/s1/operations/op-1',
    );
    expect(toOperationPath('fileSearchStores/s1/upload/operations/op-1')).toBe(
      'fileSearchStores/s1/upload/operations/op-1',
    );
  });

  it('refuses names that would aim the request (and the key) elsewhere', () => {
    const stores = [
      '',
      '..',
      'fileSearchStores/..',
      'fileSearchStores/a/documents/b',
      'https://evil.example/x',
      'a:b',
      'a.b',
      'a%2F..',
      'a?x=1',
      'x'.repeat(129),
      42,
      null,
    ];
    for (const name of stores)
      expect(() => toStorePath(name), String(name)).toThrow(InvalidArgumentError);
    for (const name of [
      'fileSearchStores/s1',
      'fileSearchStores/s1/documents/',
      'fileSearchStores/s1/documents/a/b',
      'doc-1',
    ]) {
      expect(() => toDocumentPath(name), name).toThrow(InvalidArgumentError);
    }
    for (const name of [
      'fileSearchStores/s1/operations/',
      'operations/op-1',
      'fileSearchStores/s1/download/operations/op',
    ]) {
      expect(() => toOperationPath(name), name).toThrow(InvalidArgumentError);
    }
  });

  it('names the argument and quotes at most 200 characters of the value, never half an emoji', () => {
    expect(
      messageOf(() => toStorePath('a/b', 'tools[0].fileSearch.fileSearchStoreNames[1]')),
    ).toMatch(
      /^tools\[0\]\.fileSearch\.fileSearchStoreNames\[1\] must be a File Search store name/,
    );
    const message = messageOf(() => toStorePath('😀'.repeat(300)));
    // '"' then pairs: a plain slice at 200 ends on the first half of the 100th emoji.
    expect(message).not.toMatch(/\p{Cs}/u);
    expect(messageOf(() => toDocumentPath(undefined))).toContain('got undefined');
  });
});
