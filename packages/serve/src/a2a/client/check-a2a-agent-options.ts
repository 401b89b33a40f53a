import { checkAllowInsecureHttp, refuseClearTextHttp } from '@gemloop/core/internal';
import { failOption } from '../../door/check-door-options.ts';
import { isRecord } from '../../openai/to-contents.ts';
import { isHttpUrl } from '../check-a2a-options.ts';
import type { A2AAgentOptions } from './a2a-agent-options.ts';

/**
 * The options of `a2aAgent`, copied (each read once), checked.
 * @throws {@link InvalidArgumentError} for a bad option, or a plain `http://` url (or
 * allowCardOrigins entry) on a host that is not loopback without `allowInsecureHttp: true`.
 */
export function checkA2AAgentOptions(given: A2AAgentOptions): A2AAgentOptions {
  if (!isRecord(given))
    failOption('options', 'a2aAgent takes an options object: { url, name, description }.');
  const options = { ...given };
  if (Array.isArray(options.allowCardOrigins)) {
    options.allowCardOrigins = [...options.allowCardOrigins];
  }
  if (!isHttpUrl(options.url)) {
    failOption('url', 'url must be the absolute http(s) URL the remote agent card is under.');
  }
  if (typeof options.description !== 'string' || options.description.trim() === '') {
    failOption(
      'description',
      'description must say what the remote agent is for (the model reads it).',
    );
  }
  if (
    options.allowCardOrigins !== undefined &&
    (!Array.isArray(options.allowCardOrigins) ||
      !options.allowCardOrigins.every((each) => isHttpUrl(each)))
  ) {
    failOption(
      'allowCardOrigins',
      "allowCardOrigins must be an array of http(s) origins, such as ['https://a2a.example.com'].",
    );
  }
  if (
    options.maxResponseBytes !== undefined &&
    !(Number.isSafeInteger(options.maxResponseBytes) && options.maxResponseBytes > 0)
  ) {
    failOption(
      'maxResponseBytes',
      'maxResponseBytes must be a positive whole number of bytes, such as 67108864 (64 MiB).',
    );
  }
  if (
    options.headers !== undefined &&
    typeof options.headers !== 'function' &&
    !isRecord(options.headers)
  ) {
    failOption(
      'headers',
      'headers must be an object of header values, or a function that returns one.',
    );
  }
  // The tasks, the answers and `headers` go to these origins: plain http only to loopback, as
  // createGemini's key.
  const allowInsecureHttp = checkAllowInsecureHttp('a2aAgent', options.allowInsecureHttp);
  const clearText = { who: 'a2aAgent', what: 'your headers and the tasks', allowInsecureHttp };
  refuseClearTextHttp(new URL(options.url), { ...clearText, argument: 'url' });
  for (const each of options.allowCardOrigins ?? []) {
    refuseClearTextHttp(new URL(each), { ...clearText, argument: 'allowCardOrigins' });
  }
  return options;
}
