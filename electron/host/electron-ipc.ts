/**
 * The Electron transport, written against the few members of ipcMain it needs so that it is tested with a fake
 * (electron/main.ts passes the real one). Every handler goes through the sender check and the dispatcher.
 */
import { APP_ORIGIN, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/bridge';
import type { EventMessage } from '../../shared/protocol';
import type { ConsoleHost } from './console-host';
import type { Dispatch } from './dispatcher';

export interface IpcSenderFrameLike {
  url: string;
  parent: unknown;
}

export interface IpcInvokeEventLike {
  sender: { id: number };
  senderFrame: IpcSenderFrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  id: number;
  isDestroyed(): boolean;
  send(channel: string, message: EventMessage): void;
}

/** Only windows this process created, showing our own app:// page in their main frame, may call the engine. */
export class TrustedSenders {
  private readonly ids = new Set<number>();

  add(contents: { id: number }): void {
    this.ids.add(contents.id);
  }

  remove(contents: { id: number }): void {
    this.ids.delete(contents.id);
  }

  isTrusted(event: IpcInvokeEventLike): boolean {
    const frame = event.senderFrame;
    if (!this.ids.has(event.sender.id) || frame === null || frame.parent !== null) return false;
    try {
      return new URL(frame.url).origin === APP_ORIGIN || frame.url.startsWith(`${APP_ORIGIN}/`);
    } catch {
      return false;
    }
  }
}

export function registerConsoleIpc(ipcMain: IpcMainLike, dispatch: Dispatch, senders: TrustedSenders): () => void {
  ipcMain.handle(IPC_CALL_CHANNEL, (event, method, params) => {
    if (!senders.isTrusted(event)) {
      return {
        ok: false,
        error: { code: 'BAD_REQUEST', message: 'Refused a call from a window or frame that is not the console.' },
      };
    }
    return dispatch(method, params);
  });
  return () => ipcMain.removeHandler(IPC_CALL_CHANNEL);
}

/** Pushes every console event to the given windows. */
export function forwardConsoleEvents(host: Pick<ConsoleHost, 'onEvent'>, windows: () => WebContentsLike[]): () => void {
  return host.onEvent((event) => {
    const message: EventMessage = { type: 'event', name: event.name, payload: event.payload };
    for (const contents of windows()) if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, message);
  });
}
