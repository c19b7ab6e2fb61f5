// Loaded into a benchmarked process (NODE_OPTIONS=--import, with --expose-gc): every second it collects
// garbage and notes the heap still in use, so that what the process keeps (its live heap) is told apart from
// what V8 has not yet given back (its resident set). At exit it writes both peaks, in KiB, as JSON to the file
// BENCH_MEMORY_FILE names: { "maxRssKiB": …, "maxLiveHeapKiB": … }.
import { writeFileSync } from 'node:fs';

let maxLiveHeap = 0;
const sample = () => {
  globalThis.gc?.();
  maxLiveHeap = Math.max(maxLiveHeap, process.memoryUsage().heapUsed);
};
setInterval(sample, 1000).unref();

process.on('exit', () => {
  sample();
  const peaks = { maxRssKiB: process.resourceUsage().maxRSS, maxLiveHeapKiB: Math.round(maxLiveHeap / 1024) };
  if (process.env.BENCH_MEMORY_FILE) writeFileSync(process.env.BENCH_MEMORY_FILE, JSON.stringify(peaks));
});
