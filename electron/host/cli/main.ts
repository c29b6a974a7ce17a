/** Process entry of the `usc` command (bundled to out/cli/usc.js). */
import { join } from 'node:path';
import type { CliIo } from './cli-context';
import { runCli } from './usc';

// What the engine writes (site databases, blob stores, journals, logs, the endpoint) is this user's alone: the
// worker threads that write them share this process's mask.
if (process.platform !== 'win32') process.umask(0o077);

// A reader that stopped reading (`usc updates | head`) ends the command quietly, not with a stack trace of EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

runCli(process.argv.slice(2), io, join(__dirname, '..')).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    io.err(`usc: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
