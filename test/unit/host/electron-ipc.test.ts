import { describe, expect, it, vi } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../shared/bridge';
import type { ConsoleEvent } from '../../../shared/contract';
import { forwardConsoleEvents, registerConsoleIpc, TrustedSenders, type IpcInvokeEventLike, type IpcMainLike } from '../../../electron/host/electron-ipc';
import type { Dispatch } from '../../../electron/host/dispatcher';

/** A stand-in for Electron's ipcMain with the two members the adapter uses, plus a way to invoke. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(event: IpcInvokeEventLike, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(handler(event, ...args));
  }
}

const mainFrame = (url: string) => ({ url, parent: null });

function setup() {
  const ipcMain = new FakeIpcMain();
  const dispatch = vi.fn<Dispatch>(async () => ({ ok: true, value: [] }));
  const senders = new TrustedSenders();
  senders.add({ id: 7 });
  const dispose = registerConsoleIpc(ipcMain, dispatch, senders);
  return { ipcMain, dispatch, dispose, senders };
}

describe('Electron IPC adapter', () => {
  it('relays a call from the console window to the dispatcher', async () => {
    const { ipcMain, dispatch } = setup();
    const outcome = await ipcMain.invoke({ sender: { id: 7 }, senderFrame: mainFrame('app://console/index.html') }, IPC_CALL_CHANNEL, 'listSites', {});
    expect(outcome).toEqual({ ok: true, value: [] });
    expect(dispatch).toHaveBeenCalledWith('listSites', {});
  });

  it.each([
    ['a window the console did not create', { sender: { id: 99 }, senderFrame: mainFrame('app://console/index.html') }],
    ['a page from another origin', { sender: { id: 7 }, senderFrame: mainFrame('https://evil.example/') }],
    ['a sub-frame', { sender: { id: 7 }, senderFrame: { url: 'app://console/index.html', parent: {} } }],
    ['a destroyed frame', { sender: { id: 7 }, senderFrame: null }],
  ])('refuses a call from %s without reaching the engine', async (_label, event) => {
    const { ipcMain, dispatch } = setup();
    const outcome = await ipcMain.invoke(event, IPC_CALL_CHANNEL, 'listSites', {});
    expect(outcome).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('stops trusting a window once it is closed', async () => {
    const { ipcMain, senders, dispatch } = setup();
    senders.remove({ id: 7 });
    await ipcMain.invoke({ sender: { id: 7 }, senderFrame: mainFrame('app://console/') }, IPC_CALL_CHANNEL, 'listSites', {});
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('removes its handler when disposed', () => {
    const { ipcMain, dispose } = setup();
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('forwards console events to live windows only', () => {
    let emit: (event: ConsoleEvent) => void = () => undefined;
    const host = { onEvent: (listener: (event: ConsoleEvent) => void) => ((emit = listener), () => undefined) };
    const live = { id: 1, isDestroyed: () => false, send: vi.fn() };
    const closed = { id: 2, isDestroyed: () => true, send: vi.fn() };
    forwardConsoleEvents(host, () => [live, closed]);
    const payload = { state: 'ready' as const, message: 'ready', restarts: 0, at: 'now' };
    emit({ name: 'engineStatus', payload });
    expect(live.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, { type: 'event', name: 'engineStatus', payload });
    expect(closed.send).not.toHaveBeenCalled();
  });
});
