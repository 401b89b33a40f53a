import { field } from './format.js';

/** How many input contents and parts are looked through: the input is hostile bytes. */
const MAX_ITEMS = 200;

/**
 * The first user text of a run's input (what the run was asked), as `AgentInput` allows it: a
 * string, parts, contents (the first with role `user`) or history turns (`{ contents }`).
 * Lenient: anything else is no question. One module for the page (the run's whole question) and
 * the server (summarize-run.ts imports it for the list's preview; types in question.d.ts).
 */
export function firstUserText(input) {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return undefined;
  const items = input.slice(0, MAX_ITEMS);
  const parts = partsText(items);
  if (parts !== undefined) return parts;
  for (const item of items) {
    const contents = field(item, 'contents');
    const list = Array.isArray(contents) ? contents.slice(0, MAX_ITEMS) : [item];
    for (const content of list) {
      const role = field(content, 'role');
      if (role !== undefined && role !== 'user') continue;
      const text = partsText(field(content, 'parts'));
      if (text !== undefined) return text;
    }
  }
  return undefined;
}

function partsText(parts) {
  if (!Array.isArray(parts)) return undefined;
  const texts = [];
  for (const part of parts.slice(0, MAX_ITEMS)) {
    const text = field(part, 'text');
    if (typeof text === 'string' && field(part, 'thought') !== true) texts.push(text);
  }
  const joined = texts.join('\n').trim();
  return joined === '' ? undefined : joined;
}
