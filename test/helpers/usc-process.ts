import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { USC_BIN } from './built';

export interface UscResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `usc` as a user would and collects its output. */
export function runUsc(args: string[], env: NodeJS.ProcessEnv = {}): Promise<UscResult> {
  return runCommand(process.execPath, [USC_BIN, ...args], env);
}

/** Runs any command (a shell that limits `usc`, say) and collects its output. */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<UscResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningUsc {
  child: ChildProcess;
  firstLine: string;
  /** What it has written to stderr so far. */
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts a long-running `usc` command (web, upstream, serve) and waits for its first stdout line (its URL). */
export function startUsc(args: string[]): Promise<RunningUsc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [USC_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const onExit = (code: number | null) => reject(new Error(`usc ${args.join(' ')} exited (${code}) before printing: ${stderr}`));
    child.once('exit', onExit);
    lines.once('line', (firstLine) => {
      child.off('exit', onExit);
      resolve({
        child,
        firstLine,
        stderr: () => stderr,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
