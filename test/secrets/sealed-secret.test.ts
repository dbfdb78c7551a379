import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { HardenedNamespace, SealedSecret, SealedSecretProps, SealingCache, SealingCertificate, SealingScope, SecretValue } from '../../lib';
import { whyNotGitIgnored } from '../../lib/secrets/git-ignored';
import { _resetSealingCaches } from '../../lib/secrets/sealing-cache';
import { unsealSealedSecret } from '../../lib/secrets/unseal';
import { ecCertificate, git, gitRepo, removeTempDirs, tempDir, testKeys, withEnv, writeFile } from './support';

afterAll(removeTempDirs);

const keys = testKeys();
const certificate = () => SealingCertificate.fromPem(keys.certificatePem);
const opened = (sealed: any, privateKeyPem = keys.privateKeyPem) =>
  Object.fromEntries(Object.entries(unsealSealedSecret(sealed, privateKeyPem)).map(([k, v]) => [k, v.toString('utf8')]));

interface SynthOptions {
  /** The chart's namespace; `null` for none. */
  readonly chartNamespace?: string | null;
  readonly id?: string;
}

/** Synthesizes one SealedSecret (without a cache unless given) and returns its object and the app's YAML. */
function synth(props: Partial<SealedSecretProps> = {}, options: SynthOptions = {}): { sealed: any; yaml: string } {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: options.chartNamespace === null ? undefined : (options.chartNamespace ?? 'shop') });
  new SealedSecret(chart, options.id ?? 'db', {
    certificate: certificate(),
    values: { password: SecretValue.fromEnv('TEST_DB_PASSWORD') },
    cache: SealingCache.disabled(),
    ...props,
  });
  const objects = Testing.synth(chart);
  return { sealed: objects.find((o) => o.kind === 'SealedSecret'), yaml: app.synthYaml() };
}

const env = { TEST_DB_PASSWORD: 'p4ssw0rd', TEST_DB_USER: 'shop' };

describe('SealedSecret defaults', () => {
  const { sealed } = withEnv(env, () => synth());

  test('writes a SealedSecret as kubeseal does: strict scope (no annotation), template with name, namespace and type Opaque', () => {
    expect(sealed).toEqual({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'db', namespace: 'shop' },
      spec: {
        encryptedData: { password: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) },
        template: { metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque' },
      },
    });
  });

  test("the controller's key opens it, for this name and namespace", () => {
    expect(opened(sealed)).toEqual({ password: 'p4ssw0rd' });
    expect(() => opened({ ...sealed, metadata: { ...sealed.metadata, name: 'other' } })).toThrow();
  });

  test('the name is the construct id; keys are sorted', () => {
    const { sealed: two } = withEnv(env, () =>
      synth(
        {
          values: { username: SecretValue.fromEnv('TEST_DB_USER'), password: SecretValue.fromEnv('TEST_DB_PASSWORD') },
        },
        { id: 'shop-db' },
      ),
    );
    expect(two.metadata.name).toBe('shop-db');
    expect(Object.keys(two.spec.encryptedData)).toEqual(['password', 'username']);
    expect(opened(two)).toEqual({ password: 'p4ssw0rd', username: 'shop' });
  });

  test("the namespace is the enclosing HardenedNamespace's, before the chart's", () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'chart-ns' });
    withEnv(
      env,
      () =>
        new SealedSecret(new HardenedNamespace(chart, 'payments'), 'db', {
          certificate: certificate(),
          values: { password: SecretValue.fromEnv('TEST_DB_PASSWORD') },
          cache: SealingCache.disabled(),
        }),
    );
    // Values are read when synth serializes the object, not when it is constructed.
    const sealed = withEnv(env, () => Testing.synth(chart)).find((o) => o.kind === 'SealedSecret');
    expect(sealed.metadata.namespace).toBe('payments');
    expect(opened(sealed)).toEqual({ password: 'p4ssw0rd' });
  });

  test('an explicit namespace, name and type win', () => {
    const { sealed: s } = withEnv(env, () => synth({ namespace: 'billing', name: 'api.credentials', type: 'kubernetes.io/basic-auth' }));
    expect(s.metadata).toEqual({ name: 'api.credentials', namespace: 'billing' });
    expect(s.spec.template).toEqual({ metadata: { name: 'api.credentials', namespace: 'billing' }, type: 'kubernetes.io/basic-auth' });
    expect(opened(s)).toEqual({ password: 'p4ssw0rd' });
  });
});

describe('SealedSecret scopes', () => {
  test.each([
    [SealingScope.NAMESPACE_WIDE, 'sealedsecrets.bitnami.com/namespace-wide'],
    [SealingScope.CLUSTER_WIDE, 'sealedsecrets.bitnami.com/cluster-wide'],
  ])('%s: the annotation on the SealedSecret and its template, and it opens under another name', (scope, annotation) => {
    const { sealed } = withEnv(env, () => synth({ scope }));
    expect(sealed.metadata.annotations).toEqual({ [annotation]: 'true' });
    expect(sealed.spec.template.metadata.annotations).toEqual({ [annotation]: 'true' });
    expect(opened({ ...sealed, metadata: { ...sealed.metadata, name: 'renamed' } })).toEqual({ password: 'p4ssw0rd' });
  });

  test('cluster-wide needs no namespace, and then writes none', () => {
    const { sealed } = withEnv(env, () => synth({ scope: SealingScope.CLUSTER_WIDE }, { chartNamespace: null }));
    expect(sealed.metadata).toEqual({ name: 'db', annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } });
    expect(opened({ ...sealed, metadata: { ...sealed.metadata, namespace: 'anywhere' } })).toEqual({ password: 'p4ssw0rd' });
  });
});

describe('SealedSecret refuses', () => {
  const pem = (text: string) => SealingCertificate.fromPem(text);
  test.each<[string, Partial<SealedSecretProps>, SynthOptions, string]>([
    [
      'a strict secret without a namespace',
      {},
      { chartNamespace: null },
      "[test/db] has no namespace, and a strict SealedSecret is sealed for one (the namespace is part of the encryption label). Set 'namespace'",
    ],
    [
      'a namespace-wide secret without a namespace',
      { scope: SealingScope.NAMESPACE_WIDE },
      { chartNamespace: null },
      'has no namespace, and a namespace-wide SealedSecret',
    ],
    [
      'an unset environment variable',
      { values: { password: SecretValue.fromEnv('TEST_UNSET_VARIABLE') } },
      {},
      "[test/db] 'values.password': the environment variable that SecretValue.fromEnv names is not set (its 19-character name is not shown in case it is the secret itself). Set it before synth",
    ],
    [
      'an empty environment variable',
      { values: { password: SecretValue.fromEnv('TEST_EMPTY') } },
      {},
      'the environment variable TEST_EMPTY is set but empty',
    ],
    [
      'a bad environment variable name',
      { values: { password: SecretValue.fromEnv('DB-PASSWORD') } },
      {},
      "'values.password': SecretValue.fromEnv was given 11 characters that are not an environment variable name (not shown in case they are the secret itself). Pass the variable's name",
    ],
    ['no values', { values: {} }, {}, "'values' is empty"],
    [
      'a key a Secret cannot hold',
      { values: { 'db/password': SecretValue.fromEnv('TEST_DB_PASSWORD') } },
      {},
      "'values.db/password' has the key 'db/password', which a Secret cannot hold",
    ],
    ['a name that is not a DNS subdomain', { name: 'DB_Password' }, {}, "'name' must be a DNS-1123 subdomain"],
    ['a bad namespace', { namespace: 'Shop' }, {}, "'namespace' must be a DNS-1123 label"],
    ['an empty type', { type: ' ' }, {}, "'type' must not be empty"],
    [
      'a private key given as the certificate',
      { certificate: pem(keys.privateKeyPem) },
      {},
      "'certificate' (certificate PEM): holds a private key. Sealing needs only the public certificate",
    ],
    ['text that is no certificate', { certificate: pem('hello') }, {}, 'is not a PEM certificate'],
    ['a certificate with an EC key', { certificate: pem(ecCertificate()) }, {}, 'holds a ec key; Sealed Secrets seals with RSA only'],
    [
      'an expired certificate',
      {
        certificate: pem(testKeys('expired', 2048, { notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') }).certificatePem),
      },
      {},
      'expired on Jan  1 00:00:00 2021 GMT, and kubeseal refuses to seal with it too',
    ],
    [
      'a missing certificate file',
      { certificate: SealingCertificate.fromFile('/nonexistent/cert.pem') },
      {},
      "'certificate': cannot read the certificate file '/nonexistent/cert.pem' (ENOENT)",
    ],
  ])('fails with %s', (_name, props, options, message) => {
    withEnv({ ...env, TEST_EMPTY: '', TEST_UNSET_VARIABLE: undefined }, () => {
      expect(() => synth(props, options)).toThrow(message);
    });
  });

  test('an error never contains the value', () => {
    withEnv({ TEST_DB_PASSWORD: 'do-not-print-me' }, () => {
      try {
        synth({ name: 'Bad' });
        throw new Error('expected a failure');
      } catch (error) {
        expect(String(error)).not.toContain('do-not-print-me');
      }
    });
  });
});

describe('constructing a SealedSecret only builds it (issue #22: side effects at the edges)', () => {
  test('values are read, generated, checked with git and sealed at synth, and the cache is written then', () => {
    const repo = gitRepo();
    const generated = path.join(repo, 'secrets', 'generated', 'token');
    const cacheDir = path.join(repo, 'cache');
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'shop' });
    // No environment variable set and no file yet: construction must not look at either.
    new SealedSecret(chart, 'db', {
      certificate: certificate(),
      values: { password: SecretValue.fromEnv('TEST_DB_PASSWORD'), token: SecretValue.generatedInFile(generated) },
      cache: SealingCache.inDirectory(cacheDir),
    });
    expect(fs.existsSync(generated)).toBe(false);
    expect(fs.existsSync(cacheDir)).toBe(false);

    _resetSealingCaches();
    const sealed = withEnv(env, () => Testing.synth(chart)).find((o) => o.kind === 'SealedSecret');
    expect(opened(sealed)).toEqual({ password: 'p4ssw0rd', token: fs.readFileSync(generated, 'utf8') });
    expect(fs.existsSync(path.join(cacheDir, '.sealed-secrets.cache.json'))).toBe(true);
    // A second serialization shows the same ciphertexts (sealed once per object).
    expect(Testing.synth(chart).find((o) => o.kind === 'SealedSecret')).toEqual(sealed);
  });
});

describe('SecretValue.generatedInFile: a random value created once, in an ignored file', () => {
  const sealWith = (secret: SecretValue) => withEnv(env, () => synth({ values: { key: secret } }).sealed);

  test('creates the file with 32 random bytes (base64url, mode 0600) and keeps it on the next synth', () => {
    const repo = gitRepo();
    const file = path.join(repo, 'secrets', 'generated', 'db-password');
    const first = opened(sealWith(SecretValue.generatedInFile(file))).key;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.readFileSync(file, 'utf8')).toBe(first);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(opened(sealWith(SecretValue.generatedInFile(file))).key).toBe(first);
  });

  test('never generates into a file git would commit', () => {
    const repo = gitRepo();
    const file = path.join(repo, 'config', 'db-password');
    expect(() => sealWith(SecretValue.generatedInFile(file))).toThrow(
      `[test/db] 'values.key': '${file}' is not ignored by git in ${repo}, so no value was generated there.`,
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  test('refuses too few random bytes', () => {
    const repo = gitRepo();
    expect(() => sealWith(SecretValue.generatedInFile(path.join(repo, 'secrets', 'short'), 8))).toThrow(
      'a generated secret needs 16 to 1024 random bytes (got 8)',
    );
  });
});

describe('SecretValue.fromFile: only files git cannot commit', () => {
  const value = (file: string) => withEnv(env, () => synth({ values: { key: SecretValue.fromFile(file) } }).sealed);

  test('reads an ignored file byte for byte (a trailing newline included)', () => {
    const repo = gitRepo();
    const file = writeFile(repo, 'secrets/db-password', 'from a file\n');
    expect(opened(value(file))).toEqual({ key: 'from a file\n' });
  });

  test('reads a file outside the project and every git work tree', () => {
    const file = writeFile(tempDir(), 'db-password', 'outside');
    expect(opened(value(file))).toEqual({ key: 'outside' });
  });

  test('fails for a file git does not ignore, naming it and the fix', () => {
    const repo = gitRepo();
    const file = writeFile(repo, 'config/db-password', 'x');
    expect(() => value(file)).toThrow(
      `[test/db] 'values.key': '${file}' is not ignored by git in ${repo}. A file holding a secret must be ignored by git: move it under an ignored folder`,
    );
  });

  test('fails for a file that matches an ignore rule but is tracked already', () => {
    const repo = gitRepo();
    const file = writeFile(repo, 'secrets/tracked', 'x');
    git(repo, 'add', '--force', 'secrets/tracked');
    expect(() => value(file)).toThrow(`'${file}' is tracked by git in ${repo}: its content is already in the history. Rotate the secret`);
  });

  test('judges a symbolic link by its target: an ignored link to a committable file fails', () => {
    const repo = gitRepo();
    const target = writeFile(repo, 'config/real-password', 'x');
    fs.mkdirSync(path.join(repo, 'secrets'));
    const link = path.join(repo, 'secrets', 'link');
    fs.symlinkSync(target, link);
    expect(() => value(link)).toThrow(`'${target}' is not ignored by git`);
  });

  test('fails for a missing or empty file', () => {
    const repo = gitRepo();
    expect(() => value(path.join(repo, 'secrets/missing'))).toThrow('cannot read the file');
    expect(() => value(path.join(repo, 'secrets/missing'))).toThrow('(ENOENT)');
    expect(() => value(writeFile(repo, 'secrets/empty', ''))).toThrow('is empty');
  });

  test('fails closed for a file inside a project that is not a git work tree', () => {
    const project = tempDir();
    const file = writeFile(project, 'secrets/x', 'x');
    expect(whyNotGitIgnored(file, project)).toBe(
      `'${file}' is inside the project, which is not a git work tree, so nothing shows it will stay out of a commit`,
    );
    expect(whyNotGitIgnored(file, tempDir())).toBeUndefined();
  });

  test('this repository ignores secrets/ and the cache key, but not its own source folders', () => {
    const root = path.resolve(__dirname, '../..');
    const ignored = (p: string) => {
      try {
        git(root, 'check-ignore', '--quiet', p);
        return true;
      } catch {
        return false;
      }
    };
    expect(['secrets/db', 'apps/secrets/db', '.sealed-secrets.cache-key'].filter(ignored)).toHaveLength(3);
    expect(['lib/secrets/seal.ts', 'test/secrets/seal.test.ts', 'lib/review/rules/secrets/index.ts'].filter(ignored)).toEqual([]);
    // The reference platform's only sealed value is generated per machine, so its cache is too.
    expect(ignored('.sealed-secrets.cache.json')).toBe(true);
  });
});

describe('deterministic synth: the sealing cache', () => {
  const otherKeys = testKeys('rotated');
  let repo: string;
  beforeEach(() => {
    repo = gitRepo();
  });

  /** One synth as a fresh process would run it (the cache re-read from disk). */
  function cached(props: Partial<SealedSecretProps> = {}, options: SynthOptions = {}, vars: Record<string, string | undefined> = {}) {
    _resetSealingCaches();
    return withEnv({ ...env, SEALED_SECRETS_CACHE_KEY: undefined, ...vars }, () =>
      synth(
        {
          values: { password: SecretValue.fromEnv('TEST_DB_PASSWORD'), username: SecretValue.fromEnv('TEST_DB_USER') },
          cache: SealingCache.inDirectory(repo),
          ...props,
        },
        options,
      ),
    );
  }
  const cacheFile = () => path.join(repo, '.sealed-secrets.cache.json');
  const ciphertexts = (sealed: any) => sealed.spec.encryptedData as Record<string, string>;

  test('two synths with the same inputs write byte-identical YAML', () => {
    const first = cached().yaml;
    expect(cached().yaml).toBe(first);
  });

  test('without a cache, every synth seals afresh', () => {
    const first = cached({ cache: SealingCache.disabled() }).yaml;
    expect(cached({ cache: SealingCache.disabled() }).yaml).not.toBe(first);
  });

  test('a changed value gets a new ciphertext; the unchanged key keeps its own', () => {
    const before = ciphertexts(cached().sealed);
    const after = cached({}, {}, { TEST_DB_PASSWORD: 'rotated-password' }).sealed;
    expect(ciphertexts(after).password).not.toBe(before.password);
    expect(ciphertexts(after).username).toBe(before.username);
    expect(opened(after)).toEqual({ password: 'rotated-password', username: 'shop' });
  });

  test.each<[string, Partial<SealedSecretProps>, SynthOptions, string]>([
    ['certificate', { certificate: SealingCertificate.fromPem(otherKeys.certificatePem) }, {}, otherKeys.privateKeyPem],
    ['scope', { scope: SealingScope.NAMESPACE_WIDE }, {}, keys.privateKeyPem],
    ['name', { name: 'db2' }, {}, keys.privateKeyPem],
    ['namespace', {}, { chartNamespace: 'billing' }, keys.privateKeyPem],
  ])('a changed %s gets new ciphertexts that open', (_what, props, options, privateKey) => {
    const before = ciphertexts(cached().sealed);
    const after = cached(props, options).sealed;
    expect(ciphertexts(after).password).not.toBe(before.password);
    expect(ciphertexts(after).username).not.toBe(before.username);
    expect(opened(after, privateKey)).toEqual({ password: 'p4ssw0rd', username: 'shop' });
  });

  test('the cache file holds ciphertexts and MACs per namespace/name/key, sorted', () => {
    const sealed = cached().sealed;
    const cache = JSON.parse(fs.readFileSync(cacheFile(), 'utf8'));
    expect(cache.version).toBe(1);
    expect(cache.about).toContain('Safe to commit');
    expect(Object.keys(cache.entries)).toEqual(['shop/db/password', 'shop/db/username']);
    expect(cache.entries['shop/db/password']).toEqual({
      certificate: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      scope: 'strict',
      mac: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      ciphertext: ciphertexts(sealed).password,
    });
  });

  test('the cache holds nothing computable from a value without the key: no plaintext, encodings, hashes or unkeyed MACs', () => {
    withEnv({ TEST_DB_PASSWORD: 'letmein' }, () => cached({}, {}, { TEST_DB_PASSWORD: 'letmein' }));
    const text = fs.readFileSync(cacheFile(), 'utf8');
    const crypto = require('node:crypto') as typeof import('node:crypto');
    const value = Buffer.from('letmein');
    const derived = [
      value.toString('utf8'),
      value.toString('base64'),
      value.toString('hex'),
      ...['md5', 'sha1', 'sha256', 'sha512'].flatMap((h) =>
        ['hex', 'base64'].map((enc) =>
          crypto
            .createHash(h)
            .update(value)
            .digest(enc as 'hex'),
        ),
      ),
      ...['hex', 'base64'].map((enc) =>
        crypto
          .createHmac('sha256', '')
          .update(value)
          .digest(enc as 'hex'),
      ),
    ];
    expect(derived.filter((d) => text.includes(d))).toEqual([]);
  });

  test('the MAC is keyed: under another key the entry does not verify and the value is sealed afresh', () => {
    const first = ciphertexts(cached().sealed);
    const otherKey = Buffer.alloc(32, 7).toString('base64');
    const second = ciphertexts(cached({}, {}, { SEALED_SECRETS_CACHE_KEY: otherKey }).sealed);
    expect(second.password).not.toBe(first.password);
    // ... and with that same key again, the new entry is reused.
    expect(ciphertexts(cached({}, {}, { SEALED_SECRETS_CACHE_KEY: otherKey }).sealed)).toEqual(second);
  });

  test('a ciphertext swapped into the cache by someone without the key is not used', () => {
    cached();
    const cache = JSON.parse(fs.readFileSync(cacheFile(), 'utf8'));
    const attackers = withEnv({ ...env, TEST_DB_PASSWORD: 'attacker-chosen' }, () => synth().sealed);
    cache.entries['shop/db/password'].ciphertext = ciphertexts(attackers).password;
    fs.writeFileSync(cacheFile(), JSON.stringify(cache));
    const sealed = cached().sealed;
    expect(opened(sealed).password).toBe('p4ssw0rd');
  });

  test('the key file is created on first use, mode 0600, and kept', () => {
    cached();
    const keyFile = path.join(repo, '.sealed-secrets.cache-key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    const key = fs.readFileSync(keyFile, 'utf8');
    cached();
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(key);
  });

  test('fails when the key file would not be ignored by git, and leaves no key behind', () => {
    repo = gitRepo(['secrets/']);
    expect(() => cached()).toThrow(
      `the sealing cache key must stay out of Git, but '${path.join(repo, '.sealed-secrets.cache-key')}' is not ignored by git`,
    );
    expect(fs.existsSync(path.join(repo, '.sealed-secrets.cache-key'))).toBe(false);
  });

  test('fails for a key in the environment that is too short', () => {
    expect(() => cached({}, {}, { SEALED_SECRETS_CACHE_KEY: 'c2hvcnQ=' })).toThrow(
      'SEALED_SECRETS_CACHE_KEY must hold at least 32 random bytes in base64 (got 5 bytes)',
    );
  });

  test('fails for a broken cache file, saying how to recover', () => {
    fs.writeFileSync(cacheFile(), '<<<<<<< HEAD\n{}');
    expect(() => cached()).toThrow(
      `[test/db] the sealing cache '${cacheFile()}' is not valid JSON (a merge conflict?). Delete it (every value is then sealed afresh, once)`,
    );
    fs.writeFileSync(cacheFile(), '{"version": 9, "entries": {}}');
    expect(() => cached()).toThrow('is not a version 1 cache');
  });

  test('by default the cache lives in the current directory (the project root under cdk8s synth)', () => {
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      _resetSealingCaches();
      const first = withEnv(env, () => synth({ cache: undefined }).yaml);
      _resetSealingCaches();
      expect(withEnv(env, () => synth({ cache: undefined }).yaml)).toBe(first);
      expect(fs.existsSync(path.join(repo, '.sealed-secrets.cache.json'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});
