/**
 * One measured synth, run by `bench/run.ts` in a fresh process so that peak memory is this
 * synth's alone. Usage: node --import tsx bench/synth-child.ts hardened|baseline SIZE OUTDIR
 * Prints one JSON line: load (ms to load the modules), synth (ms to build the constructs and
 * synthesize, review and reports included), synthCpu (CPU ms of the same, all threads),
 * total (ms since the process started), maxRssKb.
 */
import type { App } from 'cdk8s';

const [variant, sizeText, outdir] = process.argv.slice(2);
const size = Number(sizeText);
if (!['hardened', 'baseline'].includes(variant) || !Number.isInteger(size) || size < 1 || !outdir) {
  process.stderr.write('usage: synth-child.ts hardened|baseline SIZE OUTDIR\n');
  process.exit(2);
}

const loadStart = performance.now();
// Loaded here, not imported at the top, so module loading is timed apart from synth.
const build: (size: number, outdir: string) => App = variant === 'hardened'
  ? (require('./hardened-platform') as typeof import('./hardened-platform')).hardenedPlatform
  : (require('./baseline-platform') as typeof import('./baseline-platform')).baselinePlatform;
const synthStart = performance.now();
const cpuStart = process.cpuUsage();
build(size, outdir).synth();
const cpu = process.cpuUsage(cpuStart);
const end = performance.now();
process.stdout.write(JSON.stringify({
  variant, size,
  load: loadStart === 0 ? 0 : synthStart - loadStart,
  synth: end - synthStart,
  synthCpu: (cpu.user + cpu.system) / 1000,
  total: end,
  maxRssKb: process.resourceUsage().maxRSS,
}) + '\n');
