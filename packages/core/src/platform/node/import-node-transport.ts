import type * as NodeTransportModule from '../../http/create-node-transport.ts';

/** The undici transport, imported when a Node client first sends. @internal */
export function importNodeTransport(): Promise<typeof NodeTransportModule> {
  return import('../../http/create-node-transport.ts');
}
