// Loaded with `node -r` into a console host by the UI benchmark: measures the host's (the Electron main process
// stand-in's) event-loop delay. SIGUSR2 writes the figures since the previous signal to USC_PROBE_FILE and resets.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
process.on('SIGUSR2', () => {
  const ms = (ns) => ns / 1e6;
  writeFileSync(process.env.USC_PROBE_FILE, JSON.stringify({ p99: ms(histogram.percentile(99)), max: ms(histogram.max), mean: ms(histogram.mean) }));
  histogram.reset();
});
