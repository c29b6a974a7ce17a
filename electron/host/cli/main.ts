/** Process entry of the `usc` command (bundled to out/cli/usc.js). */
import { join } from 'node:path';
import type { CliIo } from './cli-context';
import { runCli } from './usc';

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
