import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { HardenedNamespace, HealthCheck } from '../lib';

/** A sha256-pinned image reference for tests. */
export const IMAGE = `registry.example.com/shop/web@sha256:${'a1'.repeat(32)}`;

/** Readiness and liveness probes that differ, as long-running workloads need. */
export const PROBES = {
  readiness: HealthCheck.httpGet('/ready', { port: 8080 }),
  liveness: HealthCheck.httpGet('/healthz', { port: 8080 }),
};

/** A minimal valid container. */
export const CONTAINER = { image: IMAGE, portNumber: 8080, ...PROBES };

/**
 * Synthesizes what `build` adds inside the HardenedNamespace `shop` (construct path
 * `test/shop`) and returns every object, the namespace's own included.
 */
export function synthObjects(build: (scope: Construct) => void): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  build(new HardenedNamespace(chart, 'shop'));
  return Testing.synth(chart);
}

/** The objects of `objects` that belong to the workload named `name`. */
export function objectsNamed(objects: any[], name: string): any[] {
  return objects.filter((o) => o.metadata.name === name);
}

/** The only object of `kind` among `objects`. */
export function only(objects: any[], kind: string): any {
  const matching = objects.filter((o) => o.kind === kind);
  if (matching.length !== 1) throw new Error(`expected one ${kind}, found ${matching.length}`);
  return matching[0];
}

/** The pod spec of a workload object, whatever its kind. */
export function podSpec(workload: any): any {
  return workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
}

/** The pod template metadata of a workload object. */
export function podMetadata(workload: any): any {
  return workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.metadata : workload.spec.template.metadata;
}

const temporaryFolders: string[] = [];

/** A fresh folder under the system's temporary folder, removed by `removeTempDirs` (call it in `afterAll`). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryFolders.push(dir);
  return dir;
}

/** Removes every folder `tempDir` made in this test file. */
export function removeTempDirs(): void {
  for (const dir of temporaryFolders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs `proofs` (a describe block) when the test peer or tool at `tool` is installed. Without it,
 * in CI or not, a failing test names the tool and the command that installs it: a proof never
 * silently disappears. `npm test` installs every peer first (scripts/ensure-test-peers.js);
 * `npm run test:quick` leaves out the files that call this (jest.quick.config.js lists them).
 */
export function withInstalledTool(tool: string, what: string, install: string, proofs: () => void): void {
  if (fs.existsSync(tool)) {
    proofs();
  } else {
    test(`${what}: ${path.relative(path.resolve(__dirname, '..'), tool)} must be installed`, () => {
      throw new Error(missingPeer(tool, install));
    });
  }
}

/** What a test says when a peer it needs is missing: the file, and how to install it. */
export function missingPeer(tool: string, install: string): string {
  return `${tool} is missing. Run \`npm run test:peers\` (npm test runs it first; this step is ${install}), or \`npm run test:quick\` to leave out the suites that need the test peers.`;
}

/**
 * Asserts that the Go test peer in `peerDir` is pinned: k8s.io/kubernetes at a release in its
 * go.mod, each of `stagingModules` replaced by that release's own version (v0.<minor>.<patch>),
 * and a go.sum that holds k8s.io/kubernetes.
 */
export function expectPinnedToKubernetesRelease(peerDir: string, stagingModules: readonly string[]): void {
  const mod = fs.readFileSync(path.join(peerDir, 'go.mod'), 'utf8');
  const release = /^\tk8s\.io\/kubernetes v1\.(\d+)\.(\d+)$/m.exec(mod);
  expect(release).not.toBeNull();
  for (const module of stagingModules) {
    const name = module.replace(/\./g, '\\.');
    expect(mod).toMatch(new RegExp(`^\\t${name} => ${name} v0\\.${release![1]}\\.${release![2]}$`, 'm'));
  }
  expect(fs.readFileSync(path.join(peerDir, 'go.sum'), 'utf8')).toMatch(/^k8s\.io\/kubernetes v1\.\d+\.\d+ h1:/m);
}

/**
 * A repeatable stream of pseudo-random numbers in [0, 1) from `seed` (a linear congruential
 * generator: generated test cases are the same on every run), and `pick` from a list with it.
 */
export function seededRandom(seed: number): { random: () => number; pick: <T>(items: readonly T[]) => T } {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return { random, pick: (items) => items[Math.floor(random() * items.length)] };
}

/** Equal as JSON values, with Object.is at the leaves (so -0 is not 0) and key order ignored (JSON objects have none). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ak = Object.keys(a).sort();
  const bk = Object.keys(b).sort();
  return (
    ak.length === bk.length &&
    ak.every((k, i) => k === bk[i] && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
