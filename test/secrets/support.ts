/**
 * Throw-away key material for the secrets tests: RSA (and EC) key pairs from node:crypto and
 * self-signed X.509 certificates built here with a minimal DER encoder, so no test depends
 * on `openssl`. Nothing here is ever a real key.
 */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestKeys {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
}

const keyCache = new Map<string, TestKeys>();

/**
 * An RSA key pair (PKCS#8 private key PEM) and a self-signed certificate for it, as the
 * Sealed Secrets controller would have. Cached per `id` to keep the suite fast.
 */
export function testKeys(id = 'default', bits = 2048, validity: Validity = {}): TestKeys {
  const memo = `${id}/${bits}/${validity.notBefore?.toISOString()}/${validity.notAfter?.toISOString()}`;
  const cached = keyCache.get(memo);
  if (cached) return cached;
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
  const keys = {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: selfSignedCertificate(privateKey, publicKey, validity),
  };
  keyCache.set(memo, keys);
  return keys;
}

/** A self-signed certificate for an EC P-256 key (which Sealed Secrets cannot use). */
export function ecCertificate(): string {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return selfSignedCertificate(privateKey, publicKey, {});
}

export interface Validity {
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/**
 * A throw-away RSA key and a self-signed certificate for a TLS server or client on this machine:
 * its subjectAltName is the address 127.0.0.1, which clients that verify names (Go's) require.
 */
export function localTlsKeys(id: string): TestKeys {
  const cached = keyCache.get(`tls/${id}`);
  if (cached) return cached;
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: selfSignedCertificate(privateKey, publicKey, {}, [127, 0, 0, 1]),
  };
  keyCache.set(`tls/${id}`, keys);
  return keys;
}

// --- a minimal DER encoder: just what an X.509 v3 certificate needs, with at most a subjectAltName ---

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const integer = (bytes: Buffer) => der(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const utf8 = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const NULL = Buffer.from([0x05, 0x00]);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const n of rest) {
    const base128 = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-01-02T03:04:05.000Z → 260102030405Z
  return der(
    0x17,
    Buffer.from(iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z'),
  );
}

function selfSignedCertificate(
  privateKey: crypto.KeyObject,
  publicKey: crypto.KeyObject,
  validity: Validity,
  ipAddress?: number[],
): string {
  const rsa = privateKey.asymmetricKeyType === 'rsa';
  const algorithm = rsa ? sequence(oid('1.2.840.113549.1.1.11'), NULL) : sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8('sealed-secret'))));
  const notBefore = validity.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = validity.notAfter ?? new Date(Date.now() + 10 * 365 * 86400_000);
  const tbs = sequence(
    der(0xa0, integer(Buffer.from([2]))), // version v3
    integer(positiveSerial()),
    algorithm,
    name,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    // extensions [3]: subjectAltName (2.5.29.17) holding one iPAddress [7].
    ...(ipAddress ? [der(0xa3, sequence(sequence(oid('2.5.29.17'), der(0x04, sequence(der(0x87, Buffer.from(ipAddress)))))))] : []),
  );
  const signature = crypto.sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, algorithm, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

// --- folders ---

/** A fresh temporary folder, removed by `removeTempDirs`. */
export function tempDir(prefix = 'cdk8s-hardened-secrets-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  created.push(dir);
  return dir;
}
const created: string[] = [];

/** Removes every folder `tempDir` made. Call in `afterAll`. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A temporary git work tree whose .gitignore holds `ignored` (default: `secrets/` and the cache key). */
export function gitRepo(ignored: readonly string[] = ['secrets/', '.sealed-secrets.cache-key']): string {
  const dir = tempDir('cdk8s-hardened-repo-');
  git(dir, 'init', '--quiet');
  fs.writeFileSync(path.join(dir, '.gitignore'), ignored.join('\n') + '\n');
  return dir;
}

/** Runs git in `dir` (with a throw-away identity, in case a test commits). */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { encoding: 'utf8' });
}

/** Writes `content` to `dir/relative` (creating folders) and returns the path. */
export function writeFile(dir: string, relative: string, content: string | Buffer): string {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** Sets environment variables for the duration of `fn`, restoring them after. */
export function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return fn();
  } finally {
    apply(before);
  }
}

/** A random positive serial number, minimally encoded (Go's parser refuses anything else). */
function positiveSerial(): Buffer {
  const bytes = crypto.randomBytes(8);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes;
}
