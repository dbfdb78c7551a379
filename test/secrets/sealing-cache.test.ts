import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { HardenedApp, HardenedNamespace, SealedSecret, SealingCache, SealingCertificate, SecretValue } from '../../lib';
import { ReviewFailedError } from '../../lib/app/review-gate';
import { _resetSealingCaches } from '../../lib/secrets/sealing-cache';
import { gitRepo, removeTempDirs, tempDir, testKeys, withEnv, writeFile } from './support';

afterAll(removeTempDirs);

const keys = testKeys('pruning');
const VALUES = { TEST_DB_PASSWORD: 'p4ssw0rd', TEST_DB_USER: 'shop', TEST_API_TOKEN: 't0ken-t0ken' };

/** Secrets by name, each with its keys (the value of a key comes from the variable in VALUES). */
type Secrets = Record<string, Record<string, keyof typeof VALUES>>;

/**
 * One synth, as a fresh process runs it (the cache re-read from disk): a HardenedApp
 * publishing to `outdir` with the namespace `shop` and `secrets` in it, all sealed through
 * the cache in `repo`. `failReview` adds a pod on the host network, which fails the review.
 */
function synthApp(repo: string, outdir: string, secrets: Secrets, options: { failReview?: boolean; plainApp?: boolean } = {}): void {
  _resetSealingCaches();
  withEnv(VALUES, () => {
    const app = options.plainApp ? new App({ outdir }) : new HardenedApp({ outdir });
    const chart = new Chart(app, 'platform');
    const shop = new HardenedNamespace(chart, 'shop');
    for (const [name, secretKeys] of Object.entries(secrets)) {
      new SealedSecret(shop, name, {
        certificate: SealingCertificate.fromPem(keys.certificatePem),
        values: Object.fromEntries(Object.entries(secretKeys).map(([key, variable]) => [key, SecretValue.fromEnv(variable)])),
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
    app.synth();
  });
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
