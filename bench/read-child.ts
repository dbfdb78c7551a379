/**
 * The reader alone, timed in one process: `node --import tsx bench/read-child.ts DIR REPS`
 * reads every manifest below DIR with `loadManifests` (files found, decoded, documents cut
 * and parsed as kubectl reads them) REPS times after one warm-up, and prints one JSON line:
 * objects, the median and fastest wall time (ms), and the median CPU time (ms, all threads:
 * less sensitive than wall time to other load on the machine).
 */
import { loadManifests } from '../lib/review/manifest-files';

const [dir, repsText] = process.argv.slice(2);
const reps = Number(repsText ?? 5);
if (!dir || !Number.isInteger(reps) || reps < 1) {
  process.stderr.write('usage: read-child.ts DIR REPS\n');
  process.exit(2);
}
let objects = loadManifests([dir]).length;
const times: number[] = [];
const cpus: number[] = [];
for (let i = 0; i < reps; i++) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  objects = loadManifests([dir]).length;
  const cpu = process.cpuUsage(cpuStart);
  times.push(performance.now() - start);
  cpus.push((cpu.user + cpu.system) / 1000);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
process.stdout.write(`${JSON.stringify({ objects, median: median(times), fastest: Math.min(...times), cpu: median(cpus) })}\n`);
