import type * as NodeTransportModule from '../../http/transport/create-node-transport.ts';

/** The undici transport, imported when a Node client first sends. @internal */
export function importNodeTransport(): Promise<typeof NodeTransportModule> {
  return import('../../http/transport/create-node-transport.ts');
}
