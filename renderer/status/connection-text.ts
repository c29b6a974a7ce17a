/** What the console says of its connection to the engine, in the status bar and, when it is lost for good, a notice. */
import type { ConnectionState } from '../api/websocket-bridge';
import type { TransportKind } from '../../shared/bridge';

export function connectionText(connection: ConnectionState, transport: TransportKind | undefined, host: string): string {
  switch (connection) {
    case 'open':
      return transport === 'electron' ? 'Desktop console' : 'Browser console (web host)';
    case 'connecting':
      return 'Connecting to the web host…';
    case 'closed':
      return 'Disconnected from the web host: reconnecting…';
    case 'stopped':
      return `No web host at ${host}: stopped or moved`;
    case 'moved':
      return `The web host at ${host} was restarted: open its new address`;
  }
}

/** The notice of a connection lost for good: what happened and what to do. */
export function connectionLostNotice(connection: 'stopped' | 'moved', host: string): string {
  return connection === 'stopped'
    ? `No web host answers at ${host} any more: it stopped, or was started again on another port. Start it (npm start, or usc web) and open the address it prints first; this page keeps trying this address.`
    : `The web host at ${host} was started again, with a new access token: open the address it printed first (this page's address no longer works).`;
}

/** Lost for good: the page cannot come back by itself. */
export const connectionLost = (connection: ConnectionState): connection is 'stopped' | 'moved' => connection === 'stopped' || connection === 'moved';
