import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  type OptionCheck,
} from '@gemloop/core/internal';
import type { A2AHandlerOptions } from '../a2a/a2a-handler-options.ts';
import type { AgUiHandlerOptions } from '../ag-ui/ag-ui-handler-options.ts';
import type { McpServerOptions } from '../mcp/mcp-server-options.ts';
import type { OpenAIHandlerOptions } from '../openai/openai-handler-options.ts';

// The keys each door takes, so a misspelt one is refused with the one meant ("Did you mean
// 'allowedHosts'?") before the door exists (attack13): a door's options are where its security
// lives, and `authorise`, `allowedHost` or `maxBodyByte` was ignored without a word, the default
// standing in its place. Each value is checked where the door reads it; the type argument makes a
// key added to a door's options without a line here a compile error.

/** The keys of every door's access options. @internal */
export const access: Record<'allowedOrigins' | 'allowedHosts', OptionCheck> = {
  allowedOrigins: checkedWhereUsed,
  allowedHosts: checkedWhereUsed,
};
/** The keys every HTTP door has. @internal */
export const common: Record<
  'authorize' | 'maxBodyBytes' | 'rateLimit' | 'onError' | 'now' | 'tracerProvider',
  OptionCheck
> = {
  authorize: checkedWhereUsed,
  maxBodyBytes: checkedWhereUsed,
  rateLimit: checkedWhereUsed,
  onError: checkedWhereUsed,
  now: checkedWhereUsed,
  tracerProvider: checkedWhereUsed,
};

/** `createOpenAIHandler`'s keys. @internal */
export const openAIKeys: DeclaredOptions<OpenAIHandlerOptions> =
  defineOptions<OpenAIHandlerOptions>({
    name: 'createOpenAIHandler',
    example: '{ agents, authorize }',
    checks: {
      ...access,
      ...common,
      agents: checkedWhereUsed,
      store: checkedWhereUsed,
      maxConversations: checkedWhereUsed,
      maxResponses: checkedWhereUsed,
      basePath: checkedWhereUsed,
    },
  });

/** `createMcpServer`'s keys. @internal */
export const mcpKeys: DeclaredOptions<McpServerOptions> = defineOptions<McpServerOptions>({
  name: 'createMcpServer',
  example: '{ agents, authorize }',
  checks: {
    ...access,
    ...common,
    agents: checkedWhereUsed,
    protectedResource: checkedWhereUsed,
    exposeTools: checkedWhereUsed,
    maxToolResultChars: checkedWhereUsed,
    store: checkedWhereUsed,
    maxSessions: checkedWhereUsed,
    maxConnections: checkedWhereUsed,
    serverInfo: checkedWhereUsed,
  },
});

/** `createAgUiHandler`'s keys. @internal */
export const agUiKeys: DeclaredOptions<AgUiHandlerOptions> = defineOptions<AgUiHandlerOptions>({
  name: 'createAgUiHandler',
  example: '{ agent, authorize }',
  checks: {
    ...access,
    ...common,
    agent: checkedWhereUsed,
    approvals: checkedWhereUsed,
    store: checkedWhereUsed,
    maxThreads: checkedWhereUsed,
    maxToolResultChars: checkedWhereUsed,
    thoughts: checkedWhereUsed,
    state: checkedWhereUsed,
  },
});

/** `createA2AHandler`'s keys. @internal */
export const a2aKeys: DeclaredOptions<A2AHandlerOptions> = defineOptions<A2AHandlerOptions>({
  name: 'createA2AHandler',
  example: '{ agent, card, authorize }',
  checks: {
    ...access,
    ...common,
    agent: checkedWhereUsed,
    card: checkedWhereUsed,
    approvals: checkedWhereUsed,
    protectedResource: checkedWhereUsed,
    url: checkedWhereUsed,
    taskStore: checkedWhereUsed,
    durable: checkedWhereUsed,
    maxTasks: checkedWhereUsed,
    maxSubscribersPerTask: checkedWhereUsed,
    store: checkedWhereUsed,
    maxContexts: checkedWhereUsed,
    pushNotifications: checkedWhereUsed,
    v03: checkedWhereUsed,
  },
});
