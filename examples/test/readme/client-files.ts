// packages/client/README.md: a page that sends the photo picked in an <input type=file> with its
// question (typechecked with the DOM types; a page runs it, so the README tests do not).
import { ClientError, readMessageFiles, streamAgent, toPageMessage } from '@gemloop/client';

const picker = document.querySelector<HTMLInputElement>('input[type=file]')!;
const status = document.querySelector<HTMLElement>('#status')!;

try {
  // Checked before a byte is read (10 files, 4 MiB in all, types Gemini reads), then read as
  // base64 data URLs by the browser, a slice at a time.
  const files = await readMessageFiles(picker.files ?? []);
  const result = await streamAgent('/chat', { body: { message: 'What is in this photo?', files } });
  status.textContent = result.text;
} catch (error) {
  // Refused by the page or by the route (readPageMessage): `file-refused`, `error.file` says
  // which file and why; a body past the route's limit is `http-status` 413.
  if (ClientError.isInstance(error) && error.code === 'file-refused') console.warn(error.file);
  status.textContent = toPageMessage(error);
}
