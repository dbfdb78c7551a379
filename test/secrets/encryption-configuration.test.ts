import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import {
  encryptionConfiguration,
  EncryptionConfigurationOptions,
  LocalEncryption,
  SecretValue,
  writeEncryptionConfiguration,
} from '../../lib';
import { generateEncryptionKey } from '../../lib/secrets/encryption-configuration';
import { gitRepo, removeTempDirs, tempDir, withEnv, writeFile } from './support';

afterAll(removeTempDirs);

const KEY = Buffer.alloc(32, 42).toString('base64');
const OLD_KEY = Buffer.alloc(32, 7).toString('base64');
const KMS = { name: 'cloud-kms', endpoint: 'unix:///var/run/kmsplugin/socket.sock' };
const local = (provider?: LocalEncryption) => ({ provider, keys: [{ name: 'key-1', secret: SecretValue.fromEnv('TEST_ETCD_KEY') }] });
const parse = (options: EncryptionConfigurationOptions) =>
  withEnv({ TEST_ETCD_KEY: KEY, TEST_OLD_KEY: OLD_KEY }, () => YAML.parse(encryptionConfiguration(options)));

describe('EncryptionConfiguration', () => {
  test('KMS v2: encrypts Secrets with the plugin, identity last to read old data; 3 s timeout', () => {
    expect(parse({ kms: KMS })).toEqual({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'EncryptionConfiguration',
      resources: [
        {
          resources: ['secrets'],
          providers: [
            { kms: { apiVersion: 'v2', name: 'cloud-kms', endpoint: 'unix:///var/run/kmsplugin/socket.sock', timeout: '3s' } },
            { identity: {} },
          ],
        },
      ],
    });
  });

  test('a local key defaults to secretbox, with the key from the environment', () => {
    expect(parse({ localKey: local() }).resources[0].providers).toEqual([
      { secretbox: { keys: [{ name: 'key-1', secret: KEY }] } },
      { identity: {} },
    ]);
  });

  test('order: KMS first (writes), then the local keys (new key first), then identity', () => {
    const config = parse({
      kms: { ...KMS, timeout: Duration.seconds(10) },
      localKey: {
        provider: LocalEncryption.AESCBC,
        keys: [
          { name: 'new', secret: SecretValue.fromEnv('TEST_ETCD_KEY') },
          { name: 'old', secret: SecretValue.fromEnv('TEST_OLD_KEY') },
        ],
      },
      encryptConfigMaps: true,
    });
    expect(config.resources[0].resources).toEqual(['secrets', 'configmaps']);
    expect(config.resources[0].providers.map((p: object) => Object.keys(p)[0])).toEqual(['kms', 'aescbc', 'identity']);
    expect(config.resources[0].providers[0].kms.timeout).toBe('10s');
    expect(config.resources[0].providers[1].aescbc.keys.map((k: any) => k.name)).toEqual(['new', 'old']);
  });

  test('readUnencrypted: false drops identity once all data is rewritten', () => {
    expect(parse({ kms: KMS, readUnencrypted: false }).resources[0].providers.map((p: object) => Object.keys(p)[0])).toEqual(['kms']);
  });

  test('a key from a git-ignored file, trailing newline ignored', () => {
    const file = writeFile(gitRepo(), 'secrets/etcd-key', KEY + '\n');
    const config = YAML.parse(encryptionConfiguration({ localKey: { keys: [{ name: 'k', secret: SecretValue.fromFile(file) }] } }));
    expect(config.resources[0].providers[0].secretbox.keys[0].secret).toBe(KEY);
  });

  test('generateEncryptionKey gives 32 fresh random bytes in base64', () => {
    const key = generateEncryptionKey();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(generateEncryptionKey()).not.toBe(key);
  });

  test.each<[string, EncryptionConfigurationOptions, string]>([
    ['no provider that encrypts', {}, '[EncryptionConfiguration] needs a provider that encrypts'],
    [
      'a KMS endpoint that is not a unix socket',
      { kms: { ...KMS, endpoint: 'tcp://kms:443' } },
      "'kms.endpoint' must be the plugin's unix socket",
    ],
    ['a KMS name with a colon', { kms: { ...KMS, name: 'a:b' } }, "'kms.name' must be a name"],
    ['a zero timeout', { kms: { ...KMS, timeout: Duration.seconds(0) } }, "'kms.timeout' must be positive"],
    ['no keys', { localKey: { keys: [] } }, "'localKey.keys' is empty"],
    ['two keys of one name', { localKey: { keys: [local().keys[0], local().keys[0]] } }, "'localKey.keys[1].name' must be a unique name"],
    [
      'a short key',
      { localKey: { keys: [{ name: 'k', secret: SecretValue.fromEnv('TEST_SHORT_KEY') }] } },
      "'localKey.keys[0].secret' (environment variable TEST_SHORT_KEY) must be 32 random bytes in base64 (got 16 bytes). Generate one with: node scripts/generate-encryption-key.js.",
    ],
    [
      'a key that is not base64',
      { localKey: { keys: [{ name: 'k', secret: SecretValue.fromEnv('TEST_TEXT_KEY') }] } },
      'got text that is not base64',
    ],
    [
      'an unset key variable',
      { localKey: { keys: [{ name: 'k', secret: SecretValue.fromEnv('TEST_UNSET_KEY') }] } },
      "[EncryptionConfiguration] 'localKey.keys[0].secret': the environment variable that SecretValue.fromEnv names is not set (its 14-character name is not shown",
    ],
  ])('fails with %s', (_name, options, message) => {
    withEnv(
      { TEST_ETCD_KEY: KEY, TEST_SHORT_KEY: Buffer.alloc(16).toString('base64'), TEST_TEXT_KEY: 'not a key!', TEST_UNSET_KEY: undefined },
      () => {
        expect(() => encryptionConfiguration(options)).toThrow(message);
      },
    );
  });

  test('an error never contains the key', () => {
    const message = withEnv({ TEST_ETCD_KEY: KEY }, () => {
      try {
        const project = tempDir();
        writeEncryptionConfiguration({ localKey: local() }, path.join(project, 'dist'), project);
        return 'no error';
      } catch (error) {
        return String(error);
      }
    });
    expect(message).toContain('refuses to write');
    expect(message).not.toContain(KEY);
  });
});

describe('writeEncryptionConfiguration', () => {
  test('a KMS-only configuration holds no key and may go anywhere, dist/ included', () => {
    const project = gitRepo();
    const file = writeEncryptionConfiguration({ kms: KMS }, path.join(project, 'dist'), project);
    expect(file).toBe(path.join(project, 'dist', 'encryption-configuration.yaml'));
    expect(YAML.parse(fs.readFileSync(file, 'utf8')).resources[0].providers[0].kms.name).toBe('cloud-kms');
  });

  test('a configuration with a local key is refused inside the project (so never in dist/ or Git)', () => {
    const project = gitRepo();
    withEnv({ TEST_ETCD_KEY: KEY }, () => {
      expect(() => writeEncryptionConfiguration({ localKey: local() }, path.join(project, 'dist'), project)).toThrow(
        `[EncryptionConfiguration] refuses to write a configuration holding the local key 'key-1' into '${path.join(project, 'dist')}', inside the project ${project}`,
      );
      expect(() => writeEncryptionConfiguration({ localKey: local() }, path.join(project, 'secrets'), project)).toThrow(
        'inside the project',
      );
    });
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  });

  test('a configuration with a local key is refused in another git work tree where it is not ignored', () => {
    const other = gitRepo();
    withEnv({ TEST_ETCD_KEY: KEY }, () => {
      expect(() => writeEncryptionConfiguration({ localKey: local() }, path.join(other, 'config'), tempDir())).toThrow(
        'is not ignored by git',
      );
    });
    expect(fs.existsSync(path.join(other, 'config', 'encryption-configuration.yaml'))).toBe(false);
  });

  test('outside the project: written with mode 0600, with a warning to copy it to the nodes and delete it', () => {
    const folder = path.join(tempDir(), 'control-plane');
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    const emit = process.emitWarning;
    process.emitWarning = ((message: string | Error) =>
      onWarning(typeof message === 'string' ? new Error(message) : message)) as typeof process.emitWarning;
    try {
      const file = withEnv({ TEST_ETCD_KEY: KEY }, () => writeEncryptionConfiguration({ localKey: local() }, folder, tempDir()));
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(YAML.parse(fs.readFileSync(file, 'utf8')).resources[0].providers[0].secretbox.keys[0].secret).toBe(KEY);
      expect(warnings).toEqual([
        expect.stringContaining(`${file} holds the at-rest encryption key 'key-1'. Copy it to each control plane node`),
      ]);
    } finally {
      process.emitWarning = emit;
    }
  });
});
