import { fileURLToPath } from 'node:url';
import { defineTool } from '@gemloop/core';
import type { AnyTool } from '@gemloop/core/tools';
import {
  createCalculatorTool,
  createDateTimeTools,
  createFileTools,
  createWebFetchTool,
} from '@gemloop/tools';
import { z } from 'zod';

/** The folder the chat's file tools read by default. */
export const DEFAULT_FILES_ROOT: string = fileURLToPath(new URL('./sandbox/', import.meta.url));

/** Options of {@link createChatTools}. */
export type ChatToolsOptions = {
  /** Offline: the web fetch tool is a labelled stub that fetches nothing. */
  offline: boolean;
  /** The only folder the file tools can read. */
  filesRoot: string;
};

/** The chat's tools, a line that describes them, and the cleanup of the ones that hold resources. */
export type ChatTools = {
  tools: AnyTool[];
  description: string;
  close(): Promise<void>;
};

/**
 * The ready-made tools of `@gemloop/tools`: calculator, date and time (in the user's own zone),
 * web fetch (public addresses only; offline, a stub that says so), and read-only file tools
 * confined to one folder.
 */
export function createChatTools({ offline, filesRoot }: ChatToolsOptions): ChatTools {
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const dateTime = createDateTimeTools({ defaultTimeZone: timeZone });
  const files = createFileTools({ root: filesRoot });
  const webFetch = offline ? createOfflineWebFetchStub() : createWebFetchTool();
  return {
    tools: [createCalculatorTool(), ...dateTime.tools, webFetch, ...files.tools],
    description: `calculator, date/time (${timeZone}), web fetch${offline ? ' (offline stub: fetches nothing)' : ''}, files in ${filesRoot} (read-only)`,
    close: async () => {
      await webFetch.close?.();
    },
  };
}

/** `web_fetch` for offline runs: the same name and arguments, and a result that says it is a stub. */
function createOfflineWebFetchStub() {
  return defineTool({
    name: 'web_fetch',
    description: 'Fetches a web page and returns it as text. (Offline stub: fetches nothing.)',
    parameters: z.object({ url: z.url().describe('The http(s) URL to fetch') }),
    execute: ({ url }) => ({
      url,
      text: 'Offline stub: no page was fetched. Set GEMINI_API_KEY to run the chat with the real web fetch tool.',
    }),
  });
}
