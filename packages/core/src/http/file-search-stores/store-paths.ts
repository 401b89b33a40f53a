import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { cutText } from '../../shared/cut-text.ts';

// Ids are up to 40 lowercase letters, digits and dashes on Google's API (ai.google.dev/api/file-search/file-search-stores#FileSearchStore);
// a little looser here (case, `_`, 128) so a gateway's ids pass, never `/`, `.` or `:`.
const ID = '[A-Za-z0-9_-]{1,128}';
const STORE = new RegExp(`^fileSearchStores/${ID}$`);
const BARE_ID = new RegExp(`^${ID}$`);
const DOCUMENT = new RegExp(`^fileSearchStores/${ID}/documents/${ID}$`);
const OPERATION = new RegExp(`^fileSearchStores/${ID}/(?:upload/)?operations/${ID}$`);

function show(value: unknown): string {
  // cutText: a name from a model may be emoji, and half of one is no character in a message.
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : cutText(json, 200);
}

/**
 * The resource path of a store: `fileSearchStores/abc` as is, a bare `abc` prefixed; anything
 * else (`..`, a URL, a document's name) is refused before a request is sent, so a name from a
 * model or a tool cannot aim the request (and the key) elsewhere.
 * @internal
 */
export function toStorePath(name: unknown, argument = 'name'): string {
  if (typeof name === 'string') {
    if (STORE.test(name)) return name;
    if (BARE_ID.test(name)) return `fileSearchStores/${name}`;
  }
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be a File Search store name such as 'fileSearchStores/my-store-123' (the name fileSearchStores.create returned); got ${show(name)}.`,
  });
}

/** `fileSearchStores/{id}/documents/{doc}`, or an `InvalidArgumentError`. @internal */
export function toDocumentPath(name: unknown): string {
  if (typeof name === 'string' && DOCUMENT.test(name)) return name;
  throw new InvalidArgumentError({
    argument: 'name',
    message: `name must be a document name such as 'fileSearchStores/my-store-123/documents/doc-1' (from listDocuments or an operation's response.documentName); got ${show(name)}.`,
  });
}

/** `fileSearchStores/{id}/[upload/]operations/{op}`, or an `InvalidArgumentError`. @internal */
export function toOperationPath(name: unknown, argument = 'name'): string {
  if (typeof name === 'string' && OPERATION.test(name)) return name;
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be a File Search operation name such as 'fileSearchStores/my-store-123/operations/op-1' (what upload or importFile returned); got ${show(name)}.`,
  });
}
