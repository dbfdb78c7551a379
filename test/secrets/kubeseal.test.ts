/**
 * Proof against the real tool: what SealedSecret writes, Bitnami's own `kubeseal
 * --recovery-unseal` decrypts (the controller's code path, offline), and what `kubeseal
 * --cert` seals, our `unseal.ts` decrypts. One throw-away RSA key pair and self-signed
 * certificate per scope, made here with node:crypto (no openssl needed).
 *
 * kubeseal is built by `scripts/install-kubeseal.sh` into `.tools/bin/` (`npm test` does it
 * first). Without it a test fails and says how to install it: the proof cannot silently disappear.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { SealedSecret, SealingCache, SealingCertificate, SealingScope, SecretValue } from '../../lib';
import { unsealSealedSecret } from '../../lib/secrets/unseal';
import { gitRepo, removeTempDirs, tempDir, testKeys, withEnv, writeFile } from './support';
import { withInstalledTool } from '../support';

const ROOT = path.resolve(__dirname, '../..');
const KUBESEAL = path.join(ROOT, '.tools/bin/kubeseal');
const PINNED = /^KUBESEAL_VERSION=(\S+)/m.exec(fs.readFileSync(path.join(ROOT, 'scripts/install-kubeseal.sh'), 'utf8'))![1];

afterAll(removeTempDirs);

/** Runs kubeseal offline: no kubeconfig, a throw-away HOME. */
function kubeseal(args: string[], input: string): string {
  const home = tempDir('kubeseal-home-');
  return execFileSync(KUBESEAL, args, {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: path.join(home, 'no-kubeconfig') },
  });
}

const SCOPES = [SealingScope.STRICT, SealingScope.NAMESPACE_WIDE, SealingScope.CLUSTER_WIDE];

test('the install script pins a version and the module hash it builds from', () => {
  const script = fs.readFileSync(path.join(ROOT, 'scripts/install-kubeseal.sh'), 'utf8');
  expect(PINNED).toMatch(/^v\d+\.\d+\.\d+$/);
  expect(script).toMatch(/^MODULE_SUM=h1:[A-Za-z0-9+/]{43}=$/m);
});

withInstalledTool(KUBESEAL, `kubeseal ${PINNED} proof`, 'scripts/install-kubeseal.sh', () => {
  describe(`kubeseal ${PINNED} (${path.relative(ROOT, KUBESEAL)})`, () => {
    // 4096-bit keys, as the controller makes. Generating one can take seconds, so it happens
    // here, with room, rather than inside a test's 5 second budget.
    beforeAll(() => SCOPES.forEach((scope) => testKeys(`kubeseal-${scope}`, 4096)), 120_000);

    test('is the version scripts/install-kubeseal.sh pins', () => {
      expect(kubeseal(['--version'], '').trim()).toBe(`kubeseal version: ${PINNED}`);
    });

    test.each(SCOPES)('opens what SealedSecret seals, %s scope', (scope) => {
      const keys = testKeys(`kubeseal-${scope}`, 4096);
      const folder = tempDir();
      const keyFile = writeFile(folder, 'controller.key', keys.privateKeyPem);
      const certFile = writeFile(folder, 'controller.crt', keys.certificatePem);
      // Values from the environment and from a git-ignored file, including multi-byte UTF-8,
      // a newline and arbitrary binary bytes.
      const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const secretFile = writeFile(gitRepo(), 'secrets/tls.bin', binary);
      const values = { password: 'pä$$wörd \u{1F511}', 'db.url': 'postgres://shop@db:5432/shop?sslmode=verify-full\n' };

      const app = Testing.app();
      const chart = new Chart(app, 'proof', { namespace: 'shop' });
      const env = { PROOF_PASSWORD: values.password, PROOF_DB_URL: values['db.url'] };
      withEnv(
        env,
        () =>
          new SealedSecret(chart, 'db', {
            certificate: SealingCertificate.fromFile(certFile),
            scope,
            values: {
              password: SecretValue.fromEnv('PROOF_PASSWORD'),
              'db.url': SecretValue.fromEnv('PROOF_DB_URL'),
              blob: SecretValue.fromFile(secretFile),
            },
            cache: SealingCache.disabled(),
          }),
      );
      const sealedYaml = withEnv(env, () => app.synthYaml());
      writeFile(folder, 'sealed.yaml', sealedYaml);

      const secret = YAML.parse(kubeseal(['--recovery-unseal', '--recovery-private-key', keyFile, '-o', 'yaml'], sealedYaml));
      expect(secret.kind).toBe('Secret');
      expect(secret.metadata).toMatchObject({ name: 'db', namespace: 'shop' });
      expect(secret.type).toBe('Opaque');
      const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
      expect(data).toEqual({ password: Buffer.from(values.password), 'db.url': Buffer.from(values['db.url']), blob: binary });
    });

    test.each(SCOPES)('seals what our unseal opens, %s scope', (scope) => {
      const keys = testKeys(`kubeseal-${scope}`, 4096);
      const certFile = writeFile(tempDir(), 'controller.crt', keys.certificatePem);
      const secret = YAML.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'shop' },
        stringData: { password: 'from kubeseal' },
      });
      const sealed = YAML.parse(kubeseal(['--cert', certFile, '--scope', scope, '-o', 'yaml'], secret));
      expect(sealed.metadata.annotations ?? {}).toEqual(
        scope === SealingScope.STRICT ? {} : { [`sealedsecrets.bitnami.com/${scope}`]: 'true' },
      );
      expect(unsealSealedSecret(sealed, keys.privateKeyPem)).toEqual({ password: Buffer.from('from kubeseal') });
    });

    test('refuses what was sealed for another namespace (the label binds it)', () => {
      const keys = testKeys(`kubeseal-${SealingScope.STRICT}`, 4096);
      const keyFile = writeFile(tempDir(), 'controller.key', keys.privateKeyPem);
      const app = Testing.app();
      const chart = new Chart(app, 'proof', { namespace: 'shop' });
      const env = { PROOF_PASSWORD: 'x' };
      withEnv(
        env,
        () =>
          new SealedSecret(chart, 'db', {
            certificate: SealingCertificate.fromPem(keys.certificatePem),
            values: { password: SecretValue.fromEnv('PROOF_PASSWORD') },
            cache: SealingCache.disabled(),
          }),
      );
      const moved = withEnv(env, () => app.synthYaml()).replace(/namespace: shop/g, 'namespace: other');
      expect(() => kubeseal(['--recovery-unseal', '--recovery-private-key', keyFile, '-o', 'yaml'], moved)).toThrow();
    });
  });
});
