/**
 * Runs sandboxed with context isolation: exposes only the generic call/subscribe bridge, never ipcRenderer itself.
 * Bundled into one CommonJS file because a sandboxed preload cannot load modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type ConsoleBridge } from '../shared/bridge';
import type { CallOutcome, EventMessage } from '../shared/protocol';

const bridge: ConsoleBridge = {
  transport: 'electron',
  call: (method, params) => ipcRenderer.invoke(IPC_CALL_CHANNEL, method, params) as Promise<CallOutcome>,
  subscribe(listener) {
    const forward = (_event: IpcRendererEvent, message: EventMessage): void => listener(message);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
