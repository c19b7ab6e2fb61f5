// Loaded into a benchmarked process (NODE_OPTIONS=--import): at its exit, writes its peak resident set size in
// KiB (getrusage's ru_maxrss) to the file BENCH_RSS_FILE names, so that the benchmark reports the child's memory.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
