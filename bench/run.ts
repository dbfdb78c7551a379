/**
 * `npm run bench`: what hardening and review cost over plain cdk8s-plus, measured.
 *
 * 1. Synth of generated platforms (100, 1,000, 5,000 workloads): hardened (`HardenedApp`,
 *    review, reports and analyses written) against the baseline (the same workloads as plain
 *    cdk8s-plus-27 Deployments and Services in a plain `App`). Each synth runs in a fresh
 *    process (`synth-child.ts`) writing to a temporary folder, so peak RSS is that synth's;
 *    hardened and baseline alternate (A B A B ...) so drift of the machine hits both; medians.
 *    At the sizes of --unreviewed-sizes a third variant runs in the same rotation: the hardened
 *    platform's constructs in a plain cdk8s `App` (the same objects, synthesized and written by
 *    cdk8s alone, not reviewed), which splits R into what the extra objects cost and what the
 *    review and reports cost.
 * 2. End to end, in a copy of the project: `npx cdk8s synth` of the reference platform (the
 *    app command of cdk8s.yaml) against the same app started the cdk8s default way
 *    (`--app "npx ts-node apps/main.ts"`). The copy holds what a clone holds plus uncommitted
 *    work (no secrets, no keys: the copy generates its own). Then a project made by
 *    `cdk8s-hardened init` from the packed package: its `npx cdk8s synth`, cold and warm.
 * 3. Our standalone `review` command on the 5,000-workload manifests (and the reader alone,
 *    `bench/read-child.ts`, in one process), alternating with `kube-linter lint` with the
 *    checks scripts/scan.ts enables, when kube-linter is installed (`.tools/bin/kube-linter`
 *    or on PATH); without it K is `n/a`. kube-score, Polaris and Checkov, where installed
 *    (as scripts/scan.sh installs them), are timed once each for scale only, with the
 *    invocations of scripts/scan.ts, each stopped after --scale-timeout seconds.
 * 4. Admission cost (`admission-cost.ts`): 1,000 compliant workloads created on kube-apiserver
 *    (the api-server peer) without and with the review's rules as admission policies; A = p99
 *    per create added by the policies. Skipped, saying so, when the peer is not built.
 *
 * Prints a table, then last one line:
 *   bench: ratio@1000=R scaling=S rss@5000=M MB review-vs-kube-linter=K admission-p99-added=A
 * R = hardened/baseline synth time at 1,000; S = hardened synth time 1,000 / 100; M = peak
 * RSS of the hardened synth at 5,000; K = our review time / kube-linter's. Targets (R <= 1.3,
 * S <= 11, M <= 1024 MB, K <= 1, A <= 1 ms) are reported, never asserted.
 *
 * Options: --sizes 100,1000,5000  --reps N (5; 3 at 5,000 and above)  --e2e-reps N (5)
 *          --lint-reps N (5)  --unreviewed-sizes 100,1000 (or none)  --no-e2e  --no-lint
 *          --admission-rounds N (3)  --no-admission  --scale-timeout S (600)
 * The admission cost alone: `node --import tsx bench/admission-cost.ts [ROUNDS]`.
 */
import { spawnSync, SpawnSyncReturns, StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkovArguments,
  KUBE_LINTER_ADDED_CHECKS,
  KUBE_SCORE_OPTIONAL_CHECKS,
  notApplicableChecks,
  trivyArguments,
} from '../lib/policy/scanner-map';
import { lockFor, packedTarball, runOffline } from '../test/package-support';
import { admissionCost } from './admission-cost';
import { median, table } from './figures';

const ROOT = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'synth-child.ts');
const TIME = '/usr/bin/time';

interface Options {
  readonly sizes: number[];
  /** Sizes at which the unreviewed variant runs too (slow at 5,000: cdk8s's own writer). */
  readonly unreviewedSizes: number[];
  readonly reps?: number;
  readonly e2eReps: number;
  readonly lintReps: number;
  readonly e2e: boolean;
  readonly lint: boolean;
  /** Rounds of the admission cost (each a run without policies and one with). */
  readonly admissionRounds: number;
  readonly admission: boolean;
  /** Seconds after which a scanner timed once for scale is stopped. */
  readonly scaleTimeout: number;
}

interface SynthRun {
  /** Building the constructs and synthesizing (review and reports included), ms. */
  readonly synth: number;
  /** CPU time of the same (all threads: the garbage collector's helpers too), ms; less sensitive to other load. */
  readonly synthCpu: number;
  /** Loading the modules (cdk8s, cdk8s-plus, this library), ms. */
  readonly load: number;
  /** The whole process, as the parent saw it (node start, tsx, loading, synth, exit), ms. */
  readonly wall: number;
  readonly maxRssMb: number;
  /** API objects synthesized. */
  readonly objects: number;
}

type Variant = 'hardened' | 'baseline' | 'unreviewed';

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
    unreviewedSizes: value('--unreviewed-sizes') === 'none' ? [] : (value('--unreviewed-sizes') ?? '100,1000').split(',').map(Number),
    reps,
    e2eReps: number('--e2e-reps', 5),
    lintReps: number('--lint-reps', 5),
    e2e: !argv.includes('--no-e2e'),
    lint: !argv.includes('--no-lint'),
    admissionRounds: number('--admission-rounds', 3),
    admission: !argv.includes('--no-admission'),
    scaleTimeout: number('--scale-timeout', 600),
  };
}

/** Load of the machine, sampled between runs (1-minute average). */
const loadSamples: number[] = [];
function sampleLoad(): void {
  loadSamples.push(os.loadavg()[0]);
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-hardened-bench-${prefix}-`));
}

/** One synth in a fresh process. */
function synthOnce(variant: Variant, size: number, outdir: string): SynthRun {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--import', 'tsx', CHILD, variant, String(size), outdir], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  sampleLoad();
  if (run.status !== 0) throw new Error(`${variant} synth of ${size} failed (exit ${run.status}):\n${lastLines(run.stderr, 20)}`);
  const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    synth: number;
    synthCpu: number;
    load: number;
    maxRssKb: number;
    objects: number;
  };
  return {
    synth: report.synth,
    synthCpu: report.synthCpu,
    load: report.load,
    wall,
    maxRssMb: report.maxRssKb / 1024,
    objects: report.objects,
  };
}

/**
 * Runs a command under /usr/bin/time (when there) for its wall time and peak RSS. With
 * `limit`, the command runs under `timeout` (exit 124 when stopped) and its output is
 * discarded (a scanner's JSON on 25,500 objects can outgrow any buffer).
 */
function timed(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  limit?: { readonly seconds: number },
): CommandRun {
  const useTime = fs.existsSync(TIME);
  const report = path.join(os.tmpdir(), `cdk8s-hardened-bench-time-${process.pid}.txt`);
  const argv = limit ? ['timeout', '--kill-after=10', String(limit.seconds), command, ...args] : [command, ...args];
  const stdio: StdioOptions | undefined = limit ? 'ignore' : undefined;
  const start = process.hrtime.bigint();
  const run: SpawnSyncReturns<string> = useTime
    ? spawnSync(TIME, ['-o', report, '-f', '%e %M', ...argv], { cwd, env, encoding: 'utf8', maxBuffer: 256 << 20, stdio })
    : spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: 'utf8', maxBuffer: 256 << 20, stdio });
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

/** Median and range of hardened/baseline over the adjacent pairs of runs. */
function pairRatios(result: SizeResult): string {
  const ratios = result.hardened.map((h, i) => h.synth / result.baseline[i].synth);
  return `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`;
}

interface SizeResult {
  readonly size: number;
  readonly hardened: SynthRun[];
  readonly baseline: SynthRun[];
  /** Empty when the unreviewed variant did not run at this size. */
  readonly unreviewed: SynthRun[];
}

/**
 * Hardened and baseline synths of one size (and the unreviewed one when asked), in turn;
 * keeps the last hardened output in `keep` if given.
 */
function benchSize(size: number, reps: number, withUnreviewed: boolean, keep?: string): SizeResult {
  const result: SizeResult = { size, hardened: [], baseline: [], unreviewed: [] };
  const variants: Variant[] = withUnreviewed ? ['hardened', 'baseline', 'unreviewed'] : ['hardened', 'baseline'];
  for (let rep = 0; rep < reps; rep++) {
    for (const variant of variants) {
      const outdir = tempDir(`${variant}-${size}`);
      try {
        result[variant].push(synthOnce(variant, size, path.join(outdir, 'dist')));
        if (keep && variant === 'hardened' && rep === reps - 1) fs.renameSync(path.join(outdir, 'dist'), keep);
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
      process.stderr.write('.');
    }
  }
  process.stderr.write(` ${size}\n`);
  return result;
}

/**
 * What the ratio is made of, per size where the unreviewed variant ran: the objects each
 * writes, the same objects synthesized by cdk8s alone, and the cost per object.
 */
function decompositionTable(results: readonly SizeResult[]): string {
  const perObject = (runs: readonly SynthRun[]) => `${(1000 * median(runs.map((r) => r.synth / r.objects))).toFixed(0)} µs`;
  return table(
    [
      'workloads',
      'objects: hardened / baseline',
      'hardened synth',
      'same objects in a plain App',
      'hardened / plain App',
      'per object: hardened',
      'plain App',
      'baseline',
    ],
    results
      .filter((r) => r.unreviewed.length > 0)
      .map((r) => {
        const h = median(r.hardened.map((x) => x.synth));
        const u = median(r.unreviewed.map((x) => x.synth));
        return [
          r.size.toLocaleString('en-US'),
          `${r.hardened[0].objects.toLocaleString('en-US')} / ${r.baseline[0].objects.toLocaleString('en-US')}`,
          fmtS(h),
          fmtS(u),
          (h / u).toFixed(2),
          perObject(r.hardened),
          perObject(r.unreviewed),
          perObject(r.baseline),
        ];
      }),
  );
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
  for (const [name, run] of [
    ['A', a],
    ['B', b],
  ] as const) {
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

/** A tool in `.tools/bin/` or on PATH. */
function findTool(name: string): string | undefined {
  const local = path.join(ROOT, '.tools', 'bin', name);
  if (fs.existsSync(local)) return local;
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

/** kube-linter's arguments in scripts/scan.ts: its default checks, the ones we add, less the not-applicable ones. */
const KUBE_LINTER_ARGS = [
  'lint',
  '--format',
  'json',
  ...KUBE_LINTER_ADDED_CHECKS.flatMap((c) => ['--include', c]),
  ...notApplicableChecks('kube-linter').flatMap((c) => ['--exclude', c.check]),
];

/**
 * The other scanners of scripts/scan.ts, each where scripts/scan.sh installs it (or on PATH),
 * with the invocation scan.ts uses on `folder` and `files`.
 */
function scannersForScale(
  folder: string,
  files: readonly string[],
): { label: string; tool?: string; args: string[]; env?: NodeJS.ProcessEnv }[] {
  const venvCheckov = path.join(ROOT, '.tools', 'checkov-venv', 'bin', 'checkov');
  return [
    {
      label: 'kube-score score -o json FILES (optional tests as scan.ts)',
      tool: findTool('kube-score'),
      args: ['score', '-o', 'json', ...KUBE_SCORE_OPTIONAL_CHECKS.flatMap((c) => ['--enable-optional-test', c]), ...files],
    },
    {
      label: 'polaris audit --audit-path DIR --format json',
      tool: findTool('polaris'),
      args: ['audit', '--audit-path', folder, '--format', 'json'],
    },
    {
      label: 'checkov -f FILES --framework kubernetes --skip-download --compact -o json (skips as scan.ts)',
      tool: fs.existsSync(venvCheckov) ? venvCheckov : findTool('checkov'),
      args: checkovArguments(files),
      env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' },
    },
    {
      label: 'trivy config --misconfig-scanners kubernetes --format json DIR (offline, as scan.ts, without an ignore file)',
      tool: findTool('trivy'),
      args: trivyArguments(folder, path.join(ROOT, '.tools', 'trivy-cache')),
    },
  ];
}

/**
 * Our standalone review against kube-linter (the checks scripts/scan.ts enables) on the
 * manifests of `output` (the reports left out: our review skips them, kube-linter would not),
 * alternating, median wall; returns K. Without kube-linter, K is `n/a`. kube-score, Polaris
 * and Checkov, where installed, are timed once each for scale only (slow: minutes at 5,000
 * workloads), each stopped after `scaleTimeout` seconds.
 */
function compareWithLinters(
  output: string,
  manifests: string,
  size: number,
  reps: number,
  scaleTimeout: number,
  out: (text?: string) => void,
): string {
  fs.mkdirSync(manifests, { recursive: true });
  for (const file of fs.readdirSync(output).filter((f) => f.endsWith('.k8s.yaml')))
    fs.copyFileSync(path.join(output, file), path.join(manifests, file));
  const files = fs
    .readdirSync(manifests)
    .sort()
    .map((f) => path.join(manifests, f));
  const cli = path.join(ROOT, 'bin', 'cdk8s-hardened.js');
  const ours = () => timed(process.execPath, [cli, 'review', manifests], ROOT);
  const kubeLinter = findTool('kube-linter');
  const rows: string[][] = [];
  const row = (command: string, runs: readonly CommandRun[]) =>
    rows.push([command, String(runs.length), fmtS(median(runs.map((r) => r.wall))), fmtMb(Math.max(...runs.map((r) => r.maxRssMb ?? 0)))]);
  let k = 'n/a';
  if (kubeLinter) {
    const pair = alternate(reps, ours, () => timed(kubeLinter, [...KUBE_LINTER_ARGS, manifests], ROOT), 'review vs kube-linter');
    k = (median(pair.a.map((r) => r.wall)) / median(pair.b.map((r) => r.wall))).toFixed(2);
    row('node bin/cdk8s-hardened.js review DIR', pair.a);
    row('kube-linter lint --format json DIR (checks as scan.ts)', pair.b);
  } else {
    ours(); // warm-up
    const runs = Array.from({ length: reps }, ours);
    process.stderr.write(' review\n');
    row('node bin/cdk8s-hardened.js review DIR', runs);
  }
  // The reader alone (finding, decoding and parsing the files as kubectl reads them), in one process.
  const read = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'read-child.ts'), manifests, String(Math.max(reps, 5))],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (read.status !== 0) throw new Error(`read-child.ts failed: ${read.stderr}`);
  const reading = JSON.parse(read.stdout) as { objects: number; median: number; fastest: number };
  rows.push([
    `reading ${reading.objects.toLocaleString('en-US')} objects (loadManifests, in process; fastest ${fmtS(reading.fastest)})`,
    String(Math.max(reps, 5)),
    fmtS(reading.median),
    '',
  ]);
  process.stderr.write(' reader\n');
  for (const scanner of scannersForScale(manifests, files)) {
    if (!scanner.tool) continue;
    const run = timed(scanner.tool, scanner.args, ROOT, scanner.env, { seconds: scaleTimeout });
    const stopped = run.status === 124 || run.status === 137;
    rows.push([
      `${scanner.label}, once for scale${stopped ? `: stopped after ${scaleTimeout} s` : run.status === 0 || run.status === 1 ? '' : `: exit ${run.status}`}`,
      '1',
      `${stopped ? '> ' : ''}${fmtS(run.wall)}`,
      fmtMb(run.maxRssMb),
    ]);
    process.stderr.write(` ${scanner.label.split(' ')[0]}\n`);
  }
  out(
    `Review of the ${size.toLocaleString('en-US')}-workload manifests (${files.length} files), median wall; RSS = peak.${kubeLinter ? '' : ' kube-linter is not installed (.tools/bin/kube-linter or on PATH): K is n/a.'}`,
  );
  out(table(['command', 'runs', 'wall', 'peak RSS'], rows));
  out();
  return k;
}

/**
 * A user's first project: the package packed, `cdk8s-hardened init` run, installed offline from
 * npm's cache (as test/adoption.test.ts does), then `npx cdk8s synth` of its template example
 * with the plugin, cold (tsx's cache off: every run compiles, as the first synth after a change
 * does) and warm. Target: cold <= 3 s (reported, not asserted).
 */
function scaffoldedSynth(reps: number): string {
  const work = tempDir('bench-init-');
  try {
    // packedTarball() packs once into this folder (the test run's temporary folder, under jest).
    process.env.CDK8S_HARDENED_TEST_TMPDIR = work;
    const tarball = packedTarball();
    const unpacked = path.join(work, 'unpacked');
    fs.mkdirSync(unpacked);
    if (spawnSync('tar', ['-xzf', tarball, '-C', unpacked]).status !== 0) throw new Error('tar failed on the packed package');
    const init = runOffline(work, process.execPath, [path.join(unpacked, 'package', 'bin', 'cdk8s-hardened.js'), 'init', 'my-app']);
    if (init.status !== 0) throw new Error(`cdk8s-hardened init failed: ${init.stderr}`);
    const project = path.join(work, 'my-app');
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(lockFor(manifest), null, 2));
    const install = runOffline(project, 'npm', ['install', '--offline', '--no-audit', '--no-fund', tarball]);
    if (install.status !== 0) throw new Error(`npm install --offline failed: ${lastLines(install.stderr, 20)}`);
    const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
    const cold = alternate(
      reps,
      () => timed('npx', ['cdk8s', 'synth'], project, { ...env, TSX_DISABLE_CACHE: '1' }),
      () => timed('npx', ['cdk8s', 'synth'], project, env),
      'scaffolded project',
    );
    const row = (label: string, runs: readonly CommandRun[]) => [
      label,
      String(runs.length),
      fmtS(median(runs.map((r) => r.wall))),
      fmtMb(Math.max(...runs.map((r) => r.maxRssMb ?? 0))),
    ];
    const failed = [...cold.a, ...cold.b].filter((r) => r.status !== 0).length;
    return [
      'A project made by `cdk8s-hardened init` (the packed package, installed offline): `npx cdk8s synth` with the plugin. Target: cold <= 3 s.',
      table(
        ['command', 'runs', 'wall', 'peak RSS'],
        [row('npx cdk8s synth, cold (TSX_DISABLE_CACHE=1)', cold.a), row('npx cdk8s synth, warm', cold.b)],
      ),
      ...(failed ? [`(${failed} run(s) exited non-zero)`] : []),
    ].join('\n');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cpus = os.cpus();
  const startLoad = os.loadavg();
  const lines: string[] = [];
  const out = (text = '') => lines.push(text);
  out(
    `machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`,
  );
  out(`load at start (1/5/15 min): ${startLoad.map((l) => l.toFixed(2)).join(' / ')}`);
  out();

  // Warm the disk cache and tsx's compile cache for the variants that run; not measured.
  const warmed: Variant[] = [
    'hardened',
    'baseline',
    ...(options.unreviewedSizes.some((size) => options.sizes.includes(size)) ? ['unreviewed' as const] : []),
  ];
  for (const variant of warmed) {
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
    const results = options.sizes.map((size) =>
      benchSize(
        size,
        options.reps ?? (size >= 5000 ? 3 : 5),
        options.unreviewedSizes.includes(size),
        size === largest ? keptOutput : undefined,
      ),
    );
    const bySize = new Map(results.map((r) => [r.size, r]));
    const synthMedian = (size: number, variant: 'hardened' | 'baseline') => {
      const r = bySize.get(size);
      return r ? median(r[variant].map((run) => run.synth)) : undefined;
    };

    out(
      'Synth = building the constructs, synth, review, reports and analyses, timed in the process (median wall); CPU = CPU time of the same',
    );
    out('(median, all threads); process = the whole `node` run with start-up and module loading (median wall); RSS = peak of the runs.');
    out('Pair ratios = hardened/baseline of each adjacent pair (A B), median and range: how much the machine moved between runs.');
    out(
      table(
        [
          'workloads',
          'runs',
          'hardened synth',
          'baseline synth',
          'ratio',
          'pair ratios',
          'hardened CPU',
          'baseline CPU',
          'CPU ratio',
          'hardened process',
          'baseline process',
          'hardened RSS',
          'baseline RSS',
        ],
        results.map((r) => {
          const h = median(r.hardened.map((x) => x.synth));
          const b = median(r.baseline.map((x) => x.synth));
          const hc = median(r.hardened.map((x) => x.synthCpu));
          const bc = median(r.baseline.map((x) => x.synthCpu));
          return [
            r.size.toLocaleString('en-US'),
            `${r.hardened.length}+${r.baseline.length}`,
            fmtS(h),
            fmtS(b),
            (h / b).toFixed(2),
            pairRatios(r),
            fmtS(hc),
            fmtS(bc),
            (hc / bc).toFixed(2),
            fmtS(median(r.hardened.map((x) => x.wall))),
            fmtS(median(r.baseline.map((x) => x.wall))),
            fmtMb(Math.max(...r.hardened.map((x) => x.maxRssMb))),
            fmtMb(Math.max(...r.baseline.map((x) => x.maxRssMb))),
          ];
        }),
      ),
    );
    out();
    if (results.some((r) => r.unreviewed.length > 0)) {
      out(
        'What the ratio is made of: the hardened platform writes more objects (per workload a ServiceAccount, a PodDisruptionBudget and a',
      );
      out(
        'NetworkPolicy besides the Deployment and Service), and "same objects in a plain App" is those very objects synthesized and written',
      );
      out('by cdk8s alone, without review or reports (median wall, the same rotation). Per object = synth / objects.');
      out(decompositionTable(results));
      out();
    }

    if (options.e2e) {
      const project = copyProject();
      try {
        const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
        const npx = 'npx';
        const cli = alternate(
          options.e2eReps,
          () => timed(npx, ['cdk8s', 'synth'], project, env),
          () => timed(npx, ['cdk8s', 'synth', '--app', 'npx ts-node apps/main.ts'], project, env),
          'end to end',
        );
        // The app alone, without the CLI (its upgrade check off, its validation plugin not run).
        const alone = alternate(
          options.e2eReps,
          () => timed(process.execPath, ['--import', 'tsx', 'apps/main.ts'], project, env),
          () => timed(npx, ['ts-node', 'apps/main.ts'], project, env),
          'the app alone',
        );
        const failed = [...cli.a, ...cli.b, ...alone.a, ...alone.b].filter((r) => r.status !== 0);
        const row = (label: string, runs: readonly CommandRun[]) => [
          label,
          String(runs.length),
          fmtS(median(runs.map((r) => r.wall))),
          fmtMb(Math.max(...runs.map((r) => r.maxRssMb ?? 0))),
        ];
        out('End to end: the reference platform (CDK8S_CHECK_UPGRADE=false), median wall; RSS = largest process.');
        out(
          table(
            ['command', 'runs', 'wall', 'peak RSS'],
            [
              row('npx cdk8s synth (cdk8s.yaml: node --import tsx apps/main.ts)', cli.a),
              row('npx cdk8s synth --app "npx ts-node apps/main.ts" (the cdk8s default)', cli.b),
              row('node --import tsx apps/main.ts (the app alone)', alone.a),
              row('npx ts-node apps/main.ts (the app alone)', alone.b),
            ],
          ),
        );
        if (failed.length) out(`(${failed.length} end-to-end run(s) exited non-zero)`);
        out();
      } finally {
        fs.rmSync(project, { recursive: true, force: true });
      }
      out(scaffoldedSynth(options.e2eReps));
      out();
    }

    let k = 'n/a';
    if (options.lint && fs.existsSync(keptOutput))
      k = compareWithLinters(keptOutput, path.join(work, 'manifests'), largest, options.lintReps, options.scaleTimeout, out);

    let admissionAdded = 'n/a';
    if (options.admission) {
      const cost = await admissionCost(options.admissionRounds);
      out(cost.text);
      out();
      admissionAdded = cost.addedP99;
    }

    out(
      `load during the runs (1-minute average): min ${Math.min(...loadSamples).toFixed(2)}, median ${median(loadSamples).toFixed(2)}, max ${Math.max(...loadSamples).toFixed(2)} on ${cpus.length} cores`,
    );
    const h1000 = synthMedian(1000, 'hardened');
    const b1000 = synthMedian(1000, 'baseline');
    const h100 = synthMedian(100, 'hardened');
    const r5000 = bySize.get(5000);
    const ratio = h1000 !== undefined && b1000 !== undefined ? (h1000 / b1000).toFixed(2) : 'n/a';
    const scaling = h1000 !== undefined && h100 !== undefined ? (h1000 / h100).toFixed(1) : 'n/a';
    const rss = r5000 ? String(Math.round(Math.max(...r5000.hardened.map((x) => x.maxRssMb)))) : 'n/a';
    out(
      `targets: ratio@1000 <= 1.3, scaling <= 11, rss@5000 <= 1024 MB, review-vs-kube-linter <= 1, admission-p99-added <= 1 ms (reported, not asserted)`,
    );
    out(
      `bench: ratio@1000=${ratio} scaling=${scaling} rss@5000=${rss} MB review-vs-kube-linter=${k} admission-p99-added=${admissionAdded}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
