/**
 * One measured synth, run by `bench/run.ts` in a fresh process so that peak memory is this
 * synth's alone. Usage: node --import tsx bench/synth-child.ts VARIANT SIZE OUTDIR, where
 * VARIANT is hardened, baseline or unreviewed (the hardened constructs in a plain `App`).
 * Prints one JSON line: load (ms to load the modules), synth (ms to build the constructs and
 * synthesize, review and reports included), synthCpu (CPU ms of the same, all threads),
 * total (ms since the process started), maxRssKb, objects (API objects synthesized).
 */
import { ApiObject, App } from 'cdk8s';

const PLATFORMS: Record<string, () => (size: number, outdir: string) => App> = {
  hardened: () => (require('./hardened-platform') as typeof import('./hardened-platform')).hardenedPlatform,
  unreviewed: () => (require('./hardened-platform') as typeof import('./hardened-platform')).unreviewedPlatform,
  baseline: () => (require('./baseline-platform') as typeof import('./baseline-platform')).baselinePlatform,
};

const [variant, sizeText, outdir] = process.argv.slice(2);
const size = Number(sizeText);
if (!(variant in PLATFORMS) || !Number.isInteger(size) || size < 1 || !outdir) {
  process.stderr.write(`usage: synth-child.ts ${Object.keys(PLATFORMS).join('|')} SIZE OUTDIR\n`);
  process.exit(2);
}

const loadStart = performance.now();
// Loaded here, not imported at the top, so module loading is timed apart from synth.
const build = PLATFORMS[variant]();
const synthStart = performance.now();
const cpuStart = process.cpuUsage();
const app = build(size, outdir);
app.synth();
const cpu = process.cpuUsage(cpuStart);
const end = performance.now();
process.stdout.write(
  JSON.stringify({
    variant,
    size,
    load: synthStart - loadStart,
    synth: end - synthStart,
    synthCpu: (cpu.user + cpu.system) / 1000,
    total: end,
    maxRssKb: process.resourceUsage().maxRSS,
    objects: app.node.findAll().filter(ApiObject.isApiObject).length,
  }) + '\n',
);
