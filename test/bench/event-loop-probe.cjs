// Loaded with `node -r` into a console host by the UI benchmark: measures the host's (the Electron main process
// stand-in's) event-loop delay. SIGUSR2 (and exit) writes the figures since the previous signal to USC_PROBE_FILE and
// resets. Node's histogram records the time between its sampling timer's runs, so the sampling interval is taken off.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');

const RESOLUTION_MS = 2;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();
process.on('SIGUSR2', () => {
  const delay = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  writeFileSync(process.env.USC_PROBE_FILE, JSON.stringify({ p99: delay(histogram.percentile(99)), max: delay(histogram.max), mean: delay(histogram.mean) }));
  histogram.reset();
});
process.on('exit', () => process.emit('SIGUSR2'));
