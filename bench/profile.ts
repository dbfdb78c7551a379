/**
 * Profiles one synth: `node --import tsx bench/profile.ts hardened|baseline SIZE [TOP]`.
 * Runs `synth-child.ts` under `node --cpu-prof` and prints self time by package or library
 * folder, the TOP functions by self time, and the inclusive time of this project's functions
 * and of cdk8s's synth steps. `KEEP_PROFILE=file.cpuprofile` keeps the profile (it opens in
 * Chrome DevTools).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const ROOT = path.resolve(__dirname, '..');

/**
 * Self time (ms) per function and per area of a `.cpuprofile`, and inclusive time (the
 * function or anything it called) of the functions of this project (`lib/`, `bench/`) and of
 * cdk8s's synth entry points.
 */
export function summarize(profile: CpuProfile): {
  byFunction: Map<string, number>;
  byArea: Map<string, number>;
  inclusive: Map<string, number>;
  total: number;
} {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const frame = nodes.get(id)!.callFrame;
    const file = frame.url.replace(/^file:\/\//, '');
    const name = functionName(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byArea.set(areaOf(file, frame.functionName), (byArea.get(areaOf(file, frame.functionName)) ?? 0) + ms);
    total += ms;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const callFrame = nodes.get(at)!.callFrame;
      if (!isEntryPoint(callFrame)) continue;
      const key = functionName(callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  }
  return { byFunction, byArea, inclusive, total };
}

function functionName(frame: ProfileNode['callFrame']): string {
  const file = frame.url.replace(/^file:\/\//, '');
  const where = file ? `${path.relative(ROOT, file)}:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

/** Functions whose inclusive time is shown: ours, and cdk8s's synth steps. */
function isEntryPoint(frame: ProfileNode['callFrame']): boolean {
  const file = path.relative(ROOT, frame.url.replace(/^file:\/\//, ''));
  if (!frame.functionName) return false;
  if (file.startsWith('lib/') || file.startsWith('bench/')) return true;
  return /node_modules\/cdk8s\/lib\/(app|chart|yaml|api-object|resolve)\.js$/.test(file);
}

/** `node_modules/<package>`, `lib/<folder>`, `node:internal`, or the V8 pseudo-frame (GC, idle, program). */
function areaOf(file: string, functionName: string): string {
  if (!file) return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (modules) return modules[1];
  if (file.startsWith('node:')) return 'node internals';
  const relative = path.relative(ROOT, file);
  const parts = relative.split(path.sep);
  return parts[0] === 'lib' ? parts.slice(0, parts[1] === 'review' && parts.length > 3 ? 3 : 2).join('/') : parts[0];
}

function top(map: Map<string, number>, total: number, count: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
}

function main(): void {
  const [variant = 'hardened', size = '1000', count = '25'] = process.argv.slice(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-profile-'));
  try {
    const run = spawnSync(
      process.execPath,
      [
        '--cpu-prof',
        `--cpu-prof-dir=${dir}`,
        '--import',
        'tsx',
        path.join(__dirname, 'synth-child.ts'),
        variant,
        size,
        path.join(dir, 'out'),
      ],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    if (run.status !== 0) throw new Error(`synth failed (${run.status}): ${run.stderr}`);
    process.stdout.write(`${run.stdout.trim()}\n`);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile written');
    if (process.env.KEEP_PROFILE) fs.copyFileSync(path.join(dir, file), process.env.KEEP_PROFILE);
    const { byFunction, byArea, inclusive, total } = summarize(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile);
    process.stdout.write(
      [
        `profile of ${variant} ${size}: ${total.toFixed(0)} ms sampled`,
        '',
        'self time by area:',
        ...top(byArea, total, 20),
        '',
        'self time by function:',
        ...top(byFunction, total, Number(count)),
        '',
        "inclusive time (with callees) of this project's functions and cdk8s's synth steps:",
        ...top(inclusive, total, Number(count)),
        '',
      ].join('\n'),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
