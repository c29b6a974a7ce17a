/**
 * The local endpoint of the engine that owns a data folder, so that every client (the console, `usc` commands,
 * `usc web`) works through that one engine instead of being refused the folder. A Unix domain socket only its
 * owner may open (0600; a named pipe on Windows), speaking the console contract as newline-delimited JSON: calls in,
 * results and events out, each checked as on every other hop.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, realpathSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ConsoleEvent } from '../../shared/contract';
import { CallMessageSchema, HelloMessageSchema, ResultMessageSchema, type CallOutcome, type EventMessage, type ResultMessage } from '../../shared/protocol';
import { checkEvent } from '../../shared/validate';
import type { Dispatch } from './dispatcher';

/** A call is a few hundred bytes; a line longer than this is not a client of the contract. */
export const MAX_CALL_LINE_BYTES = 1024 * 1024;
/** Unix socket paths are limited to 107 bytes (104 on macOS); longer ones go to the temp folder under a hash. */
const MAX_SOCKET_PATH = 100;

/** What a transport needs of a host: calls and events. The engine's own host and an attached one both are this. */
export interface HostConnection {
  dispatch: Dispatch;
  onEvent(listener: (event: ConsoleEvent) => void): () => void;
}

export interface AttachedHost extends HostConnection {
  /** The endpoint it is attached to. */
  endpoint: string;
  /** Told once when the engine goes away (it stopped, or its connection broke), not when close() is called. */
  onLost(listener: () => void): void;
  close(): void;
}

export interface EndpointServer {
  endpoint: string;
  /**
   * Takes no new clients and waits until no call of an attached one is in flight (a command's sync that attached to
   * this engine runs to its end); a client that only waits (a web console between two calls) does not hold it.
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Where the engine of a data folder listens: the same answer for the engine and for every client. */
export function endpointFor(dataDir: string): string {
  let folder = resolve(dataDir);
  try {
    folder = realpathSync(folder);
  } catch {
    // Not created yet: nobody listens there.
  }
  const hash = createHash('sha256')
    .update(process.platform === 'win32' ? folder.toLowerCase() : folder)
    .digest('hex')
    .slice(0, 24);
  if (process.platform === 'win32') return `\\\\.\\pipe\\update-sync-console-${hash}`;
  const inFolder = join(folder, 'engine.sock');
  if (Buffer.byteLength(inFolder) <= MAX_SOCKET_PATH) return inFolder;
  // Never a predictable name in a folder every user can write (another user could listen there first): the
  // user's own runtime folder, else a 0700 folder of this user's in the temp folder.
  const runtime = process.env.XDG_RUNTIME_DIR;
  const base =
    runtime !== undefined && runtime !== '' && Buffer.byteLength(join(runtime, `usc-${hash}.sock`)) <= MAX_SOCKET_PATH ? runtime : privateTempFolder();
  return join(base, `usc-${hash}.sock`);
}

/** `<tmp>/usc-<uid>`: where an endpoint goes when neither the data folder nor a runtime folder can hold it. */
function privateTempFolder(): string {
  return join(tmpdir(), `usc-${process.getuid?.() ?? 'user'}`);
}

/**
 * The folder an endpoint is made in is this user's alone: made 0700 when missing, and refused when another user
 * owns it, it is a link, or others may write in it (they could put their own listener there).
 */
function prepareEndpointFolder(endpoint: string): void {
  if (process.platform === 'win32') return;
  const folder = dirname(endpoint);
  if (folder === privateTempFolder() && !existsSync(folder)) mkdirSync(folder, { mode: 0o700 });
  const problem = foreignFolderProblem(folder);
  if (problem !== undefined) throw new Error(`The engine endpoint cannot be made in ${folder}: ${problem}.`);
}

/** Why a folder could let another local user stand in for the engine, or undefined when it is this user's alone. */
function foreignFolderProblem(folder: string): string | undefined {
  const uid = process.getuid?.();
  const stats = lstatSync(folder);
  if (stats.isSymbolicLink()) return 'it is a symbolic link';
  if (uid !== undefined && stats.uid !== uid) return `it belongs to another user (uid ${stats.uid})`;
  // The temp folder's sticky bit keeps others from replacing what is ours; any other folder others write is refused.
  if ((stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0) return 'other users may write in it';
  return undefined;
}

/**
 * Before a client sends anything (a proxy password, say): the endpoint is a socket this user owns, in a folder no
 * other user can put one in. Otherwise another local user may be listening there.
 */
function endpointOwnerProblem(endpoint: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const uid = process.getuid?.();
  const stats = lstatSync(endpoint);
  if (!stats.isSocket()) return 'it is not a socket';
  if (uid !== undefined && stats.uid !== uid) return `it belongs to another user (uid ${stats.uid})`;
  return foreignFolderProblem(dirname(endpoint));
}

/**
 * Listens for clients of the engine that holds the data folder (the caller holds its lock, so a socket file left
 * there by an engine that died is stale and removed).
 */
export async function listenEngineEndpoint(host: HostConnection, dataDir: string, reportProblem?: (message: string) => void): Promise<EndpointServer> {
  const endpoint = endpointFor(dataDir);
  const sockets = new Set<Socket>();
  /** Calls being answered: a command's engine stops once none is. */
  let inFlight = 0;
  /** Clients that said they are consoles: they stay attached for hours and never hold a command's engine. */
  const consoles = new WeakSet<Socket>();
  const idleWaiters: Array<() => void> = [];
  /** Drained: no call is being answered and every client but the consoles has gone. */
  const drained = () => inFlight === 0 && [...sockets].every((socket) => consoles.has(socket));
  const wakeIfDrained = () => {
    if (drained()) for (const wake of idleWaiters.splice(0)) wake();
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      wakeIfDrained();
    });
    // A client that goes away mid-answer is not the engine's problem.
    socket.on('error', () => socket.destroy());
    readLines(
      socket,
      MAX_CALL_LINE_BYTES,
      (line) => void answer(socket, line),
      (reason) => {
        reportProblem?.(`Closed a connection to the engine endpoint: ${reason}`);
        writeLine(socket, { type: 'event', name: 'endpointError', payload: { message: reason } });
        socket.end();
      },
    );
  });
  async function answer(socket: Socket, line: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      writeLine(socket, { type: 'event', name: 'endpointError', payload: { message: 'Each line must be one JSON call of the console contract.' } });
      return;
    }
    if (HelloMessageSchema.safeParse(raw).success) {
      consoles.add(socket);
      wakeIfDrained();
      return;
    }
    const call = CallMessageSchema.safeParse(raw);
    if (!call.success) {
      writeLine(socket, {
        type: 'event',
        name: 'endpointError',
        payload: { message: 'Each line must be a call: {"type":"call","id":N,"method":"…","params":{…}}.' },
      });
      return;
    }
    // Whoever can open this socket is the folder's owner, the same person who could run usc: a trusted caller,
    // unless it relays a console's call, which keeps the console's trust (no server beyond loopback from a browser).
    inFlight++;
    let outcome;
    try {
      outcome = await host.dispatch(call.data.method, call.data.params, { trusted: call.data.untrusted !== true });
    } finally {
      inFlight--;
      wakeIfDrained();
    }
    const reply: ResultMessage = { type: 'result', id: call.data.id, ...outcome };
    writeLine(socket, reply);
  }
  const unsubscribe = host.onEvent((event) => {
    const message: EventMessage = { type: 'event', name: event.name, payload: event.payload };
    for (const socket of sockets) writeLine(socket, message);
  });

  prepareEndpointFolder(endpoint);
  if (process.platform !== 'win32' && existsSync(endpoint)) unlinkSync(endpoint);
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    // The socket file is created with the umask's permissions: none for group and others from the first moment.
    const umask = process.platform === 'win32' ? undefined : process.umask(0o177);
    try {
      server.listen(endpoint, () => resolvePromise());
    } finally {
      if (umask !== undefined) process.umask(umask);
    }
  });
  if (process.platform !== 'win32') chmodSync(endpoint, 0o600);
  let closed: Promise<void> | undefined;
  const stopListening = () => (closed ??= new Promise<void>((resolvePromise) => server.close(() => resolvePromise())));
  return {
    endpoint,
    async drain() {
      void stopListening();
      if (!drained()) await new Promise<void>((wake) => idleWaiters.push(wake));
    },
    async close() {
      unsubscribe();
      for (const socket of sockets) socket.destroy();
      await stopListening();
    },
  };
}

/** Attaches to the engine of a data folder; undefined when none listens there. */
export async function attachToEngine(dataDir: string, timeoutMs = 3_000, options: { console?: boolean } = {}): Promise<AttachedHost | undefined> {
  const endpoint = endpointFor(dataDir);
  if (process.platform !== 'win32' && !existsSync(endpoint)) return undefined;
  const problem = endpointOwnerProblem(endpoint);
  if (problem !== undefined) {
    throw new Error(`Refusing to use the engine endpoint ${endpoint}: ${problem}. Another local user may be listening there; remove it, or ask who made it.`);
  }
  const socket = await new Promise<Socket | undefined>((resolvePromise) => {
    const candidate = createConnection(endpoint);
    const timer = setTimeout(() => {
      candidate.destroy();
      resolvePromise(undefined);
    }, timeoutMs);
    candidate.once('connect', () => {
      clearTimeout(timer);
      resolvePromise(candidate);
    });
    // Refused or missing: the engine that made it is gone (its lock says so too, and the next engine removes it).
    candidate.once('error', () => {
      clearTimeout(timer);
      resolvePromise(undefined);
    });
  });
  if (socket === undefined) return undefined;
  // A console (usc web) stays for as long as its tab: it says so, so that a command's engine does not wait for it.
  if (options.console === true) writeLine(socket, { type: 'hello', role: 'console' });

  let nextId = 1;
  const pending = new Map<number, (outcome: CallOutcome) => void>();
  const listeners = new Set<(event: ConsoleEvent) => void>();
  let closedReason: string | undefined;
  const failAll = (reason: string) => {
    closedReason ??= reason;
    for (const resolveCall of pending.values()) resolveCall({ ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: closedReason } });
    pending.clear();
  };
  socket.on('error', (error) => failAll(`The connection to the engine at ${endpoint} failed: ${error.message}`));
  const lostListeners: Array<() => void> = [];
  let closing = false;
  socket.on('close', () => {
    failAll(`The engine at ${endpoint} stopped before answering.`);
    if (!closing) for (const listener of lostListeners.splice(0)) listener();
  });
  // Answers can be large (a page of updates, a history): no line limit on this side beyond memory.
  readLines(socket, Number.POSITIVE_INFINITY, (line) => {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return;
    }
    const result = ResultMessageSchema.safeParse(raw);
    if (result.success) {
      const resolveCall = pending.get(result.data.id);
      pending.delete(result.data.id);
      resolveCall?.(result.data.ok ? { ok: true, value: result.data.value } : { ok: false, error: result.data.error });
      return;
    }
    const event = raw as Partial<EventMessage>;
    if (event.type !== 'event') return;
    const checked = checkEvent(event.name, event.payload);
    if (checked.ok) for (const listener of listeners) listener(checked.value);
  });
  return {
    endpoint,
    dispatch(method, params, caller = {}) {
      if (closedReason !== undefined) return Promise.resolve({ ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: closedReason } });
      const id = nextId++;
      return new Promise<CallOutcome>((resolveCall) => {
        pending.set(id, resolveCall);
        writeLine(socket, { type: 'call', id, method, params, ...(caller.trusted === true ? {} : { untrusted: true }) });
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onLost(listener) {
      lostListeners.push(listener);
    },
    close() {
      closing = true;
      closedReason ??= 'The connection to the engine was closed.';
      socket.end();
    },
  };
}

function writeLine(socket: Socket, message: unknown): void {
  if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(message)}\n`);
}

/** Splits a stream into UTF-8 lines; a line longer than `maxBytes` ends the stream with `onTooLong`. */
function readLines(socket: Socket, maxBytes: number, onLine: (line: string) => void, onTooLong?: (reason: string) => void): void {
  let buffered: Buffer[] = [];
  let length = 0;
  socket.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10, start)) {
      if (length + newline - start > maxBytes) {
        buffered = [];
        length = 0;
        socket.pause();
        onTooLong?.(`a line longer than ${maxBytes} bytes`);
        return;
      }
      buffered.push(chunk.subarray(start, newline));
      const line = Buffer.concat(buffered).toString('utf8');
      buffered = [];
      length = 0;
      start = newline + 1;
      if (line.trim() !== '') onLine(line);
    }
    if (start < chunk.length) {
      buffered.push(chunk.subarray(start));
      length += chunk.length - start;
      if (length > maxBytes) {
        buffered = [];
        length = 0;
        socket.pause();
        onTooLong?.(`a line longer than ${maxBytes} bytes`);
      }
    }
  });
}
