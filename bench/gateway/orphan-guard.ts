/**
 * Preloaded (`--import`) into every server the gateway benchmark starts: when the benchmark
 * process dies without stopping its children (SIGKILL, crash), the child is re-parented and
 * sends itself SIGTERM, so no server outlives a run. Checks once a second; never keeps the
 * process alive by itself.
 */
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1_000).unref();
