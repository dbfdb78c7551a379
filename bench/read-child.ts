/**
 * The reader alone, timed in one process: `node --import tsx bench/read-child.ts DIR REPS`
 * reads every manifest below DIR with `loadManifests` (files found, decoded, documents cut
 * and parsed as kubectl reads them) REPS times after one warm-up, and prints one JSON line:
 * objects, and the median and fastest wall time (ms).
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
for (let i = 0; i < reps; i++) {
  const start = performance.now();
  objects = loadManifests([dir]).length;
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ objects, median: times[Math.floor(times.length / 2)], fastest: times[0] })}\n`);
