/**
 * `npm run bench`: what hardening and review cost over plain cdk8s-plus, measured.
 *
 * 1. Synth of generated platforms (100, 1,000, 5,000 workloads): hardened (`HardenedApp`,
 *    review, reports and analyses written) against the baseline (the same workloads as plain
 *    cdk8s-plus-27 Deployments and Services in a plain `App`). Each synth runs in a fresh
 *    process (`synth-child.ts`) writing to a temporary folder, so peak RSS is that synth's;
 *    hardened and baseline alternate (A B A B ...) so drift of the machine hits both; medians.
 * 2. End to end, in a copy of the project: `npx cdk8s synth` of the reference platform (the
 *    app command of cdk8s.yaml) against the same app started the cdk8s default way
 *    (`--app "npx ts-node apps/main.ts"`).
 * 3. When kube-linter is installed (`.tools/bin/kube-linter` or on PATH): our standalone
 *    `review` command against `kube-linter lint` on the 5,000-workload manifests.
 *
 * Prints a table, then last one line:
 *   bench: ratio@1000=R scaling=S rss@5000=M MB review-vs-kube-linter=K
 * R = hardened/baseline synth time at 1,000; S = hardened synth time 1,000 / 100; M = peak
 * RSS of the hardened synth at 5,000; K = our review time / kube-linter's. Targets (R <= 1.3,
 * S <= 11, M <= 1024 MB, K <= 1) are reported, never asserted.
 *
 * Options: --sizes 100,1000,5000  --reps N (5; 3 at 5,000 and above)  --e2e-reps N (5)
 *          --lint-reps N (5)  --no-e2e  --no-lint
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'synth-child.ts');
const TIME = '/usr/bin/time';

interface Options {
  readonly sizes: number[];
  readonly reps?: number;
  readonly e2eReps: number;
  readonly lintReps: number;
  readonly e2e: boolean;
  readonly lint: boolean;
}

interface SynthRun {
  /** Building the constructs and synthesizing (review and reports included), ms. */
  readonly synth: number;
  /** Loading the modules (cdk8s, cdk8s-plus, this library), ms. */
  readonly load: number;
  /** The whole process, as the parent saw it (node start, tsx, loading, synth, exit), ms. */
  readonly wall: number;
  readonly maxRssMb: number;
}

interface CommandRun {
  readonly wall: number;
  readonly maxRssMb?: number;
  readonly status: number | null;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const number = (name: string, fallback: number) => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number (got '${v}')`);
    return n;
  };
  const reps = value('--reps') === undefined ? undefined : number('--reps', 5);
  return {
    sizes: (value('--sizes') ?? '100,1000,5000').split(',').map(Number),
    reps,
    e2eReps: number('--e2e-reps', 5),
    lintReps: number('--lint-reps', 5),
    e2e: !argv.includes('--no-e2e'),
    lint: !argv.includes('--no-lint'),
  };
}

/** Load of the machine, sampled between runs (1-minute average). */
const loadSamples: number[] = [];
function sampleLoad(): void {
  loadSamples.push(os.loadavg()[0]);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-hardened-bench-${prefix}-`));
}

/** One synth in a fresh process. */
function synthOnce(variant: 'hardened' | 'baseline', size: number, outdir: string): SynthRun {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--import', 'tsx', CHILD, variant, String(size), outdir], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  sampleLoad();
  if (run.status !== 0) throw new Error(`${variant} synth of ${size} failed (exit ${run.status}):\n${lastLines(run.stderr, 20)}`);
  const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as { synth: number; load: number; maxRssKb: number };
  return { synth: report.synth, load: report.load, wall, maxRssMb: report.maxRssKb / 1024 };
}

/** Runs a command under /usr/bin/time (when there) for its wall time and peak RSS. */
function timed(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): CommandRun {
  const useTime = fs.existsSync(TIME);
  const report = path.join(os.tmpdir(), `cdk8s-hardened-bench-time-${process.pid}.txt`);
  const start = process.hrtime.bigint();
  const run: SpawnSyncReturns<string> = useTime
    ? spawnSync(TIME, ['-o', report, '-f', '%e %M', command, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 << 20 })
    : spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 << 20 });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  sampleLoad();
  let maxRssMb: number | undefined;
  if (useTime && fs.existsSync(report)) {
    const last = fs.readFileSync(report, 'utf8').trim().split('\n').pop() ?? '';
    const kb = Number(last.split(' ')[1]);
    if (Number.isFinite(kb)) maxRssMb = kb / 1024;
    fs.rmSync(report, { force: true });
  }
  return { wall, maxRssMb, status: run.status };
}

function lastLines(text: string | null | undefined, count: number): string {
  return (text ?? '').trim().split('\n').slice(-count).join('\n');
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmtMb = (mb: number | undefined) => (mb === undefined ? 'n/a' : `${Math.round(mb)} MB`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

interface SizeResult {
  readonly size: number;
  readonly hardened: SynthRun[];
  readonly baseline: SynthRun[];
}

/** Hardened and baseline synths of one size, alternating; keeps the last hardened output in `keep` if given. */
function benchSize(size: number, reps: number, keep?: string): SizeResult {
  const hardened: SynthRun[] = [];
  const baseline: SynthRun[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const variant of ['hardened', 'baseline'] as const) {
      const outdir = tempDir(`${variant}-${size}`);
      try {
        (variant === 'hardened' ? hardened : baseline).push(synthOnce(variant, size, path.join(outdir, 'dist')));
        if (keep && variant === 'hardened' && rep === reps - 1) fs.renameSync(path.join(outdir, 'dist'), keep);
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
      process.stderr.write('.');
    }
  }
  process.stderr.write(` ${size}\n`);
  return { size, hardened, baseline };
}

/**
 * A copy of the project as a clone would have it plus uncommitted work (tracked and
 * untracked files git does not ignore: no dist/, no secrets, no keys), with node_modules
 * linked and a git work tree of its own (the reference platform asks git which files are
 * ignored).
 */
function copyProject(): string {
  const dir = tempDir('project');
  const listing = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listing.status !== 0) throw new Error(`git ls-files failed: ${listing.stderr}`);
  for (const file of listing.stdout.split('\0').filter(Boolean)) {
    const from = path.join(ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the work tree
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const init = spawnSync('git', ['init', '-q'], { cwd: dir, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`git init failed: ${init.stderr}`);
  return dir;
}

interface PairResult {
  readonly a: CommandRun[];
  readonly b: CommandRun[];
}

/** Runs two commands alternately, after one unmeasured run of each. */
function alternate(reps: number, a: () => CommandRun, b: () => CommandRun, label: string): PairResult {
  for (const [name, run] of [['A', a], ['B', b]] as const) {
    const warm = run();
    if (warm.status !== 0 && warm.status !== 1) throw new Error(`${label}: warm-up of ${name} exited ${warm.status}`);
  }
  const result: PairResult = { a: [], b: [] };
  for (let rep = 0; rep < reps; rep++) {
    result.a.push(a());
    result.b.push(b());
    process.stderr.write('.');
  }
  process.stderr.write(` ${label}\n`);
  return result;
}

function findKubeLinter(): string | undefined {
  const local = path.join(ROOT, '.tools', 'bin', 'kube-linter');
  if (fs.existsSync(local)) return local;
  const which = spawnSync('sh', ['-c', 'command -v kube-linter'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const cpus = os.cpus();
  const startLoad = os.loadavg();
  const lines: string[] = [];
  const out = (text = '') => lines.push(text);
  out(`machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`);
  out(`load at start (1/5/15 min): ${startLoad.map((l) => l.toFixed(2)).join(' / ')}`);
  out();

  // Warm the disk cache and tsx's compile cache; not measured.
  for (const variant of ['hardened', 'baseline'] as const) {
    const outdir = tempDir('warm');
    try {
      synthOnce(variant, 100, path.join(outdir, 'dist'));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  const work = tempDir('work');
  const largest = Math.max(...options.sizes);
  const keptOutput = path.join(work, `hardened-${largest}`);
  try {
    const results = options.sizes.map((size) => benchSize(size, options.reps ?? (size >= 5000 ? 3 : 5), size === largest ? keptOutput : undefined));
    const bySize = new Map(results.map((r) => [r.size, r]));
    const synthMedian = (size: number, variant: 'hardened' | 'baseline') => {
      const r = bySize.get(size);
      return r ? median(r[variant].map((run) => run.synth)) : undefined;
    };

    out('Synth: construct + synth + review + reports, in-process ms (median); process = whole `node` run incl. start-up and module loading (median); RSS = peak of the runs.');
    out(table(['workloads', 'runs', 'hardened synth', 'baseline synth', 'ratio', 'hardened process', 'baseline process', 'hardened RSS', 'baseline RSS'],
      results.map((r) => {
        const h = median(r.hardened.map((x) => x.synth));
        const b = median(r.baseline.map((x) => x.synth));
        return [
          r.size.toLocaleString('en-US'), `${r.hardened.length}+${r.baseline.length}`, fmtS(h), fmtS(b), (h / b).toFixed(2),
          fmtS(median(r.hardened.map((x) => x.wall))), fmtS(median(r.baseline.map((x) => x.wall))),
          fmtMb(Math.max(...r.hardened.map((x) => x.maxRssMb))), fmtMb(Math.max(...r.baseline.map((x) => x.maxRssMb))),
        ];
      })));
    out();

    if (options.e2e) {
      const project = copyProject();
      try {
        const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
        const npx = 'npx';
        const pair = alternate(options.e2eReps,
          () => timed(npx, ['cdk8s', 'synth'], project, env),
          () => timed(npx, ['cdk8s', 'synth', '--app', 'npx ts-node apps/main.ts'], project, env),
          'end to end');
        const failed = [...pair.a, ...pair.b].filter((r) => r.status !== 0);
        out('End to end: `npx cdk8s synth` of the reference platform (CDK8S_CHECK_UPGRADE=false), median; RSS = largest process.');
        out(table(['app started by', 'runs', 'wall', 'peak RSS'], [
          ['cdk8s.yaml: node --import tsx apps/main.ts', String(pair.a.length), fmtS(median(pair.a.map((r) => r.wall))), fmtMb(Math.max(...pair.a.map((r) => r.maxRssMb ?? 0)))],
          ['cdk8s default: npx ts-node apps/main.ts', String(pair.b.length), fmtS(median(pair.b.map((r) => r.wall))), fmtMb(Math.max(...pair.b.map((r) => r.maxRssMb ?? 0)))],
        ]));
        if (failed.length) out(`(${failed.length} end-to-end run(s) exited non-zero)`);
        out();
      } finally {
        fs.rmSync(project, { recursive: true, force: true });
      }
    }

    let k: string = 'n/a';
    const kubeLinter = options.lint ? findKubeLinter() : undefined;
    if (options.lint && !kubeLinter) {
      out('Review vs kube-linter: kube-linter is not installed (.tools/bin/kube-linter or on PATH); skipped.');
      out();
    }
    if (kubeLinter && fs.existsSync(keptOutput)) {
      // Only the manifests: our review skips its own reports, kube-linter would not.
      const manifests = path.join(work, 'manifests');
      for (const file of fs.readdirSync(keptOutput).filter((f) => f.endsWith('.k8s.yaml'))) {
        fs.mkdirSync(manifests, { recursive: true });
        fs.copyFileSync(path.join(keptOutput, file), path.join(manifests, file));
      }
      const cli = path.join(ROOT, 'bin', 'cdk8s-hardened.js');
      const pair = alternate(options.lintReps,
        () => timed(process.execPath, [cli, 'review', manifests], ROOT),
        () => timed(kubeLinter, ['lint', manifests], ROOT),
        'review vs kube-linter');
      const ours = median(pair.a.map((r) => r.wall));
      const theirs = median(pair.b.map((r) => r.wall));
      k = (ours / theirs).toFixed(2);
      out(`Review vs kube-linter on the ${largest.toLocaleString('en-US')}-workload manifests (${fs.readdirSync(manifests).length} files), median wall; RSS = peak.`);
      out(table(['command', 'runs', 'wall', 'peak RSS'], [
        ['node bin/cdk8s-hardened.js review DIR', String(pair.a.length), fmtS(ours), fmtMb(Math.max(...pair.a.map((r) => r.maxRssMb ?? 0)))],
        ['kube-linter lint DIR', String(pair.b.length), fmtS(theirs), fmtMb(Math.max(...pair.b.map((r) => r.maxRssMb ?? 0)))],
      ]));
      out();
    }

    out(`load during the runs (1-minute average): min ${Math.min(...loadSamples).toFixed(2)}, median ${median(loadSamples).toFixed(2)}, max ${Math.max(...loadSamples).toFixed(2)} on ${cpus.length} cores`);
    const h1000 = synthMedian(1000, 'hardened');
    const b1000 = synthMedian(1000, 'baseline');
    const h100 = synthMedian(100, 'hardened');
    const r5000 = bySize.get(5000);
    const ratio = h1000 !== undefined && b1000 !== undefined ? (h1000 / b1000).toFixed(2) : 'n/a';
    const scaling = h1000 !== undefined && h100 !== undefined ? (h1000 / h100).toFixed(1) : 'n/a';
    const rss = r5000 ? String(Math.round(Math.max(...r5000.hardened.map((x) => x.maxRssMb)))) : 'n/a';
    out(`targets: ratio@1000 <= 1.3, scaling <= 11, rss@5000 <= 1024 MB, review-vs-kube-linter <= 1 (reported, not asserted)`);
    out(`bench: ratio@1000=${ratio} scaling=${scaling} rss@5000=${rss} MB review-vs-kube-linter=${k}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) main();
