import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { EncryptionConfigurationOptions, SecretValue, writeEncryptionConfiguration } from '../../lib';
import { removeTempDirs, tempDir, withEnv, writeFile } from './support';

afterAll(removeTempDirs);

const KEY = Buffer.alloc(32, 7).toString('base64');
const scope = Testing.chart();

/** The message `value` fails with when resolved for the prop `values.password` of the chart `test`. */
function errorOf(value: SecretValue): string {
  try {
    value._resolve(scope, 'values.password');
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('a secret reference is never echoed in an error unless it plausibly is one', () => {
  test.each([
    [
      'fromEnv given the secret',
      'p4ss word!',
      (v: string) => SecretValue.fromEnv(v),
      "'values.password': SecretValue.fromEnv was given 10 characters that are not an environment variable name (not shown in case they are the secret itself). Pass the variable's name, letters, digits and '_', as in SecretValue.fromEnv('DB_PASSWORD'); if you passed the secret itself, rotate it.",
    ],
    [
      'fromEnv given a secret shaped like a name',
      'Hunter2Secret',
      (v: string) => SecretValue.fromEnv(v),
      "'values.password': the environment variable that SecretValue.fromEnv names is not set (its 13-character name is not shown in case it is the secret itself).",
    ],
    [
      'fromFile given a base64 key',
      'q2K/9xZ+c2VjcmV0',
      (v: string) => SecretValue.fromFile(v),
      "'values.password': cannot read the file (16 characters, not shown in case they are the secret itself) (ENOENT).",
    ],
    [
      'fromFile given a multi-line secret',
      '/tmp\nsecret',
      (v: string) => SecretValue.fromFile(v),
      "'values.password': cannot read the file (11 characters, not shown in case they are the secret itself) (ENOENT).",
    ],
  ])('%s', (_name, secret, reference, message) => {
    const error = withEnv({ [secret]: undefined }, () => errorOf(reference(secret)));
    expect(error).toContain(message);
    expect(error).not.toContain(secret);
  });

  test('a variable that is set, or a path whose folder exists, is shown', () => {
    expect(withEnv({ TEST_EMPTY_SECRET: '' }, () => errorOf(SecretValue.fromEnv('TEST_EMPTY_SECRET')))).toContain(
      'the environment variable TEST_EMPTY_SECRET is set but empty',
    );
    const missing = path.join(tempDir(), 'db-password');
    expect(errorOf(SecretValue.fromFile(missing))).toContain(`cannot read the file ${missing} (ENOENT)`);
  });
});

describe('only regular files are read', () => {
  test('fromFile refuses a FIFO at once instead of waiting for a writer', () => {
    const fifo = path.join(tempDir(), 'password');
    execFileSync('mkfifo', [fifo]);
    // A writer holding the FIFO for a while bounds what a blocking read would wait.
    const writer = spawn('sh', ['-c', `exec sleep 3 > '${fifo}'`], { stdio: 'ignore' });
    try {
      expect(errorOf(SecretValue.fromFile(fifo))).toBe(
        `[test] 'values.password': the file ${fifo} is not a regular file (a FIFO or device would hang synth). Point it at a regular file holding the secret.`,
      );
    } finally {
      writer.kill();
    }
  });

  test('fromFile refuses a device', () => {
    expect(errorOf(SecretValue.fromFile('/dev/zero'))).toContain('the file /dev/zero is not a regular file');
  });
});

describe('writeEncryptionConfiguration never writes through a link planted at its path', () => {
  test.each<[string, EncryptionConfigurationOptions, number, string]>([
    ['with a local key', { localKey: { keys: [{ name: 'key-1', secret: SecretValue.fromEnv('TEST_ETCD_KEY') }] } }, 0o600, KEY],
    ['KMS only', { kms: { name: 'cloud-kms', endpoint: 'unix:///var/run/kms.sock' } }, 0o644, 'cloud-kms'],
  ])("%s: a new file takes the link's place, the link's target is untouched", (_name, options, mode, content) => {
    const victim = writeFile(tempDir(), 'victim', 'precious');
    const folder = path.join(tempDir(), 'control-plane');
    fs.mkdirSync(folder);
    fs.symlinkSync(victim, path.join(folder, 'encryption-configuration.yaml'));
    const file = withEnv({ TEST_ETCD_KEY: KEY }, () => {
      const previous = process.umask(0o022);
      try {
        return writeEncryptionConfiguration(options, folder, tempDir());
      } finally {
        process.umask(previous);
      }
    });
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    const stat = fs.lstatSync(file);
    expect(stat.isFile()).toBe(true);
    expect(stat.mode & 0o777).toBe(mode);
    expect(fs.readFileSync(file, 'utf8')).toContain(content);
  });
});
