import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { HardenedApp, HardenedNamespace, SealedSecret, SealingCache, SealingCertificate, SecretValue } from '../../lib';
import { ReviewFailedError } from '../../lib/app/review-gate';
import { _resetSealingCaches } from '../../lib/secrets/sealing-cache';
import { git, gitRepo, removeTempDirs, tempDir, testKeys, withEnv, writeFile } from './support';

afterAll(removeTempDirs);

const keys = testKeys('pruning');
const VALUES = { TEST_DB_PASSWORD: 'p4ssw0rd', TEST_DB_USER: 'shop', TEST_API_TOKEN: 't0ken-t0ken' };

/** Secrets by name, each with its keys (a key's value: a variable in VALUES, or a SecretValue). */
type Secrets = Record<string, Record<string, keyof typeof VALUES | SecretValue>>;

/**
 * One synth, as a fresh process runs it (the cache re-read from disk) unless `sameProcess`: a
 * HardenedApp publishing to `outdir` with the namespace `shop` and `secrets` in it, all sealed
 * through the cache in `repo`. `failReview` adds a pod on the host network, which fails the review.
 */
function synthApp(
  repo: string,
  outdir: string,
  secrets: Secrets,
  options: { failReview?: boolean; plainApp?: boolean; sameProcess?: boolean } = {},
): void {
  if (!options.sameProcess) _resetSealingCaches();
  const { app } = appWith(repo, outdir, secrets, options);
  withEnv(VALUES, () => app.synth());
}

/** The app `synthApp` synthesizes, built but not synthesized (construction reads no value). */
function appWith(
  repo: string,
  outdir: string,
  secrets: Secrets,
  options: { failReview?: boolean; plainApp?: boolean } = {},
): { app: App; chart: Chart } {
  const app = options.plainApp ? new App({ outdir }) : new HardenedApp({ outdir });
  const chart = new Chart(app, 'platform');
  const shop = new HardenedNamespace(chart, 'shop');
  for (const [name, secretKeys] of Object.entries(secrets)) {
    new SealedSecret(shop, name, {
      certificate: SealingCertificate.fromPem(keys.certificatePem),
      values: Object.fromEntries(
        Object.entries(secretKeys).map(([key, value]) => [key, typeof value === 'string' ? SecretValue.fromEnv(value) : value]),
      ),
      cache: SealingCache.inDirectory(repo),
    });
  }
  if (options.failReview) {
    new ApiObject(chart, 'bad', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bad', namespace: 'shop' },
      spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x' }] },
    });
  }
  return { app, chart };
}

/** The cache's entries: id → owner (or '-' for none), and id → ciphertext. */
function cacheOf(repo: string): { owners: Record<string, string>; ciphertexts: Record<string, string> } {
  const entries = JSON.parse(fs.readFileSync(path.join(repo, '.sealed-secrets.cache.json'), 'utf8')).entries as Record<
    string,
    { owner?: string; ciphertext: string }
  >;
  return {
    owners: Object.fromEntries(Object.entries(entries).map(([id, e]) => [id, e.owner ?? '-'])),
    ciphertexts: Object.fromEntries(Object.entries(entries).map(([id, e]) => [id, e.ciphertext])),
  };
}

const DB_AND_API: Secrets = { db: { password: 'TEST_DB_PASSWORD', username: 'TEST_DB_USER' }, api: { token: 'TEST_API_TOKEN' } };

describe('sealing cache pruning', () => {
  let repo: string;
  beforeEach(() => {
    repo = gitRepo();
  });

  test('the entries an app uses become its own, named by its output folder', () => {
    synthApp(repo, path.join(repo, 'dist'), DB_AND_API);
    expect(cacheOf(repo).owners).toEqual({ 'shop/api/token': 'dist', 'shop/db/password': 'dist', 'shop/db/username': 'dist' });
  });

  test('a removed secret and a removed key leave the cache; what stays keeps its ciphertext', () => {
    synthApp(repo, path.join(repo, 'dist'), DB_AND_API);
    const before = cacheOf(repo).ciphertexts;
    synthApp(repo, path.join(repo, 'dist'), { db: { password: 'TEST_DB_PASSWORD' } });
    expect(cacheOf(repo).ciphertexts).toEqual({ 'shop/db/password': before['shop/db/password'] });
  });

  test('an app whose last secret is gone removes its entries from the project cache too', () => {
    const cwd = process.cwd();
    try {
      process.chdir(repo);
      synthApp(repo, path.join(repo, 'dist'), DB_AND_API);
      synthApp(repo, path.join(repo, 'dist'), {});
    } finally {
      process.chdir(cwd);
    }
    expect(cacheOf(repo).owners).toEqual({});
  });

  test("apps sharing a cache never remove nor take each other's entries", () => {
    synthApp(repo, path.join(repo, 'dist'), DB_AND_API);
    synthApp(repo, path.join(repo, 'other'), { db: { password: 'TEST_DB_PASSWORD' }, audit: { token: 'TEST_API_TOKEN' } });
    expect(cacheOf(repo).owners).toEqual({
      'shop/api/token': 'dist',
      'shop/audit/token': 'other',
      'shop/db/password': 'dist',
      'shop/db/username': 'dist',
    });
    synthApp(repo, path.join(repo, 'dist'), { db: { password: 'TEST_DB_PASSWORD' } });
    expect(cacheOf(repo).owners).toEqual({ 'shop/audit/token': 'other', 'shop/db/password': 'dist' });
  });

  test('a synth that fails its review prunes nothing', () => {
    synthApp(repo, path.join(repo, 'dist'), DB_AND_API);
    expect(() => synthApp(repo, path.join(repo, 'dist'), { db: { password: 'TEST_DB_PASSWORD' } }, { failReview: true })).toThrow(
      ReviewFailedError,
    );
    expect(Object.keys(cacheOf(repo).owners)).toEqual(['shop/api/token', 'shop/db/password', 'shop/db/username']);
  });

  test("an app publishing outside the cache's folder (a test's temporary output) claims and removes nothing", () => {
    synthApp(repo, path.join(repo, 'dist'), DB_AND_API);
    synthApp(repo, tempDir('elsewhere-'), { db: { password: 'TEST_DB_PASSWORD' } });
    expect(cacheOf(repo).owners).toEqual({ 'shop/api/token': 'dist', 'shop/db/password': 'dist', 'shop/db/username': 'dist' });
  });

  test('a link planted at the name the cache was once written to first is never written through', () => {
    const victim = writeFile(tempDir(), 'victim', 'precious');
    fs.symlinkSync(victim, path.join(repo, `.sealed-secrets.cache.json.${process.pid}.tmp`));
    synthApp(repo, path.join(repo, 'dist'), DB_AND_API);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.lstatSync(path.join(repo, '.sealed-secrets.cache.json')).isFile()).toBe(true);
    expect(Object.keys(cacheOf(repo).owners)).toEqual(['shop/api/token', 'shop/db/password', 'shop/db/username']);
  });

  test('entries a plain cdk8s App wrote have no owner until a HardenedApp uses them', () => {
    synthApp(repo, path.join(repo, 'plain'), DB_AND_API, { plainApp: true });
    expect(cacheOf(repo).owners).toEqual({ 'shop/api/token': '-', 'shop/db/password': '-', 'shop/db/username': '-' });
    synthApp(repo, path.join(repo, 'dist'), { db: { password: 'TEST_DB_PASSWORD' } });
    expect(cacheOf(repo).owners).toEqual({ 'shop/api/token': '-', 'shop/db/password': 'dist', 'shop/db/username': '-' });
  });
});

describe('one sealing session per synth (a long-lived process: watch mode, a server)', () => {
  let repo: string;
  beforeEach(() => {
    repo = gitRepo();
  });
  const cacheFile = () => path.join(repo, '.sealed-secrets.cache.json');
  const inProcess = { sameProcess: true };

  test('a failed review leaves the cache file byte-identical, though it sealed a new value', () => {
    synthApp(repo, path.join(repo, 'dist'), DB_AND_API);
    const before = fs.readFileSync(cacheFile());
    const withNewSecret: Secrets = { ...DB_AND_API, audit: { token: 'TEST_API_TOKEN' } };
    expect(() => synthApp(repo, path.join(repo, 'dist'), withNewSecret, { failReview: true, ...inProcess })).toThrow(ReviewFailedError);
    expect(fs.readFileSync(cacheFile())).toEqual(before);
    // The same change, reviewed clean, is saved in the publish step.
    synthApp(repo, path.join(repo, 'dist'), withNewSecret, inProcess);
    expect(Object.keys(cacheOf(repo).owners)).toEqual(['shop/api/token', 'shop/audit/token', 'shop/db/password', 'shop/db/username']);
  });

  test('a failed review of a first synth creates no cache file', () => {
    expect(() => synthApp(repo, path.join(repo, 'dist'), DB_AND_API, { failReview: true })).toThrow(ReviewFailedError);
    expect(fs.existsSync(cacheFile())).toBe(false);
  });

  test('a second app in the same process reads the cache file as it is on disk now', () => {
    synthApp(repo, path.join(repo, 'dist'), DB_AND_API, inProcess);
    const first = cacheOf(repo).ciphertexts;
    // Changed on disk between the two synths: deleted, so everything is sealed afresh.
    fs.rmSync(cacheFile());
    synthApp(repo, path.join(repo, 'dist'), DB_AND_API, inProcess);
    const second = cacheOf(repo).ciphertexts;
    expect(Object.keys(second)).toEqual(Object.keys(first));
    for (const id of Object.keys(first)) expect(second[id]).not.toBe(first[id]);
    // And the published YAML holds the new ciphertexts, not the first app's.
    const yaml = fs.readFileSync(path.join(repo, 'dist', 'platform.k8s.yaml'), 'utf8');
    for (const id of Object.keys(first)) expect(yaml).toContain(second[id]);
  });

  test('what another app wrote to the cache after this app read it is kept when this app publishes', () => {
    const { app, chart } = appWith(repo, path.join(repo, 'dist'), DB_AND_API);
    withEnv(VALUES, () => chart.toJson()); // Rendered: the cache is read and the values sealed, nothing saved yet.
    synthApp(repo, path.join(repo, 'other'), { audit: { token: 'TEST_API_TOKEN' } }, inProcess);
    const theirs = cacheOf(repo).ciphertexts['shop/audit/token'];
    withEnv(VALUES, () => app.synth());
    expect(cacheOf(repo).owners).toEqual({
      'shop/api/token': 'dist',
      'shop/audit/token': 'other',
      'shop/db/password': 'dist',
      'shop/db/username': 'dist',
    });
    expect(cacheOf(repo).ciphertexts['shop/audit/token']).toBe(theirs);
  });

  test('the same app synthesized twice keeps its entries (its SealedSecrets are sealed once)', () => {
    const { app } = appWith(repo, path.join(repo, 'dist'), { db: { password: 'TEST_DB_PASSWORD' } });
    withEnv(VALUES, () => app.synth());
    const first = fs.readFileSync(cacheFile());
    withEnv(VALUES, () => app.synth());
    expect(fs.readFileSync(cacheFile())).toEqual(first);
    expect(cacheOf(repo).owners).toEqual({ 'shop/db/password': 'dist' });
  });

  test("git is asked again in a new synth: a secret file added with 'git add -f' is refused", () => {
    const file = writeFile(repo, 'secrets/db-password', 'p4ssw0rd');
    const fromFile: Secrets = { db: { password: SecretValue.fromFile(file) } };
    synthApp(repo, path.join(repo, 'dist'), fromFile, inProcess);
    git(repo, 'add', '-f', 'secrets/db-password');
    expect(() => synthApp(repo, path.join(repo, 'dist'), fromFile, inProcess)).toThrow('is tracked by git');
  });
});
