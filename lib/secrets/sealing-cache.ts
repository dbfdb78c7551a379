/**
 * Keeps re-synthesis from churning SealedSecret YAML. Sealing is randomized, so the same value
 * sealed twice gives different bytes; the cache lets synth reuse the previous ciphertext of a
 * value while nothing that went into it changed.
 *
 * ## What is stored, and the threat model
 *
 * The cache file (`.sealed-secrets.cache.json`, committed) holds per sealed item
 * (namespace/name/key): the ciphertext, the certificate fingerprint, the scope, and
 * `mac = HMAC-SHA256(K, fingerprint, scope, label, namespace, name, key, value, ciphertext)`
 * (each field length-prefixed). The ciphertext is already in the YAML; the MAC is the only
 * value-derived data, and it cannot be computed without `K`.
 *
 * `K` is 32 random bytes that never enter Git: the file `.sealed-secrets.cache-key` beside the
 * cache (ignored by git, checked with `git check-ignore`, created on first use with mode 0600),
 * or the environment variable `SEALED_SECRETS_CACHE_KEY` (base64) when set, for CI.
 *
 * - Someone who reads the repository (cache, YAML, history) learns nothing that lets them test
 *   guesses of a value: without `K` the MAC is a random-looking string, and the ciphertext
 *   opens only with the controller's private key. A plain hash of the value would let them
 *   test guesses of a low-entropy password offline; that is why there is none.
 * - Entries are bound to their item: the same value under two names gets two unrelated MACs,
 *   so the cache does not reveal which secrets share a value.
 * - Someone who can commit to the repository but does not have `K` cannot slip a ciphertext of
 *   their choosing into the next synth: the MAC covers the ciphertext, so a swapped entry does
 *   not verify and the value is sealed afresh.
 * - What it does reveal: when a value changed (its MAC and ciphertext change), as the YAML diff
 *   already does.
 * - Who holds `K` and the repository can test guesses of a value against its MAC: `K` is as
 *   sensitive as the secret files next to it. Losing `K` costs nothing but one re-seal of
 *   everything (churn in the YAML, once).
 *
 * Reuse is decided by the MAC alone; sealing is never skipped when the certificate, the scope,
 * the namespace, the name, the key or the value changed.
 *
 * ## Pruning
 *
 * After a successful synth, `HardenedApp` calls `_pruneSealingCaches`. An app is known by its
 * output folder relative to the cache's (`dist`); an entry it uses that has no owner yet becomes
 * its own, and the entries it owns but did not use (a secret, key or name that is gone) are
 * removed. An entry never changes owner, so apps that share a cache file never remove each
 * other's entries nor flip them back and forth; an app that publishes outside the cache's
 * folder (a test writing to a temporary folder) neither claims nor removes anything; entries
 * written by a plain cdk8s App stay until an app that uses them claims them.
 *
 * ## One session per app
 *
 * What a synth knows of a cache lives with its app (the construct tree root) and is collected
 * with it: the file is read at the app's first use, so a long-lived process (watch mode, a
 * server) sees the file as it is now. A `HardenedApp` writes the file only in its publish step,
 * after the review passed (a failed review leaves it untouched), merging what it sealed into
 * the file as it is on disk then. A plain cdk8s App, which never publishes, writes it at each
 * seal, when the SealedSecret is rendered.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { openNewFile, pathExists, readRegularFile, replaceFile } from '../core/files';
import { HardeningError } from '../core/hardening-error';
import { _forgetGitVerdicts, _resetGitVerdicts, whyNotGitIgnored } from './git-ignored';

/** File name of the committed cache. */
export const SEALING_CACHE_FILE = '.sealed-secrets.cache.json';
/** File name of the cache key (never committed). */
export const SEALING_CACHE_KEY_FILE = '.sealed-secrets.cache-key';
/** Environment variable that, when set, holds the cache key (base64, at least 32 bytes). */
export const SEALING_CACHE_KEY_ENV = 'SEALED_SECRETS_CACHE_KEY';

const FORMAT_VERSION = 1;
const KEY_BYTES = 32;
const MAC_DOMAIN = 'cdk8s-hardened sealed-secrets cache v1';
const ABOUT =
  'Ciphertexts of sealed values, reused by cdk8s-hardened so that re-synthesis does not change the YAML. ' +
  'Safe to commit: no plaintext, and nothing computable from a value without the key in ' +
  SEALING_CACHE_KEY_FILE +
  ' (never committed). Delete this file to seal everything afresh.';

/** One sealed item as the cache sees it. @internal */
export interface CacheItem {
  readonly certificate: string;
  readonly scope: string;
  readonly label: string;
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  readonly value: Uint8Array;
}

interface Entry {
  readonly certificate: string;
  readonly scope: string;
  readonly mac: string;
  readonly ciphertext: string;
  /** The app that last used it, by its output folder relative to the cache's (see Pruning). */
  readonly owner?: string;
}

/** One cache file as one app's synth sees it. */
interface CacheState {
  readonly file: string;
  /** The file's entries when the app first used it, plus what the app sealed since. */
  readonly entries: Map<string, Entry>;
  /** The entry ids the app used. */
  readonly used: Set<string>;
  /** The entry ids the app sealed afresh (to merge into the file when it is published). */
  readonly sealed: Set<string>;
  key?: Buffer;
}

/** The caches each app opened, one per file; collected with the app. */
let sessions = new WeakMap<IConstruct, Map<string, CacheState>>();
/** Apps that save their caches when they publish (`HardenedApp`), not at each seal. */
const publishingApps = new WeakSet<IConstruct>();

/**
 * Marks `root` as an app that publishes: its caches are written by `_pruneSealingCaches`, after
 * its review passed, never while its SealedSecrets are rendered.
 *
 * @internal
 */
export function _saveSealingCachesOnPublish(root: IConstruct): void {
  publishingApps.add(root);
}

/**
 * Where SealedSecret keeps previous ciphertexts so that synth is deterministic.
 *
 * @see the threat model in this file's header and docs/secrets.md
 */
export class SealingCache {
  /**
   * `.sealed-secrets.cache.json` (commit it) and `.sealed-secrets.cache-key` (ignored) in the
   * current directory: the project root under `cdk8s synth`.
   */
  public static inProject(): SealingCache {
    return new SealingCache(undefined);
  }

  /** The cache and key files in `directory` (the key file must be ignored by git there). */
  public static inDirectory(directory: string): SealingCache {
    return new SealingCache(directory);
  }

  /** No cache: every synth seals afresh, so every synth changes the YAML. */
  public static disabled(): SealingCache {
    return new SealingCache(null);
  }

  private constructor(private readonly directory: string | undefined | null) {}

  /**
   * The ciphertext for `item`: the cached one if it verifies, else `seal()`'s, recorded.
   *
   * @internal
   */
  public _sealOrReuse(scope: IConstruct, item: CacheItem, seal: () => string): string {
    if (this.directory === null) return seal();
    const directory = path.resolve(this.directory ?? process.cwd());
    const state = openState(scope, path.join(directory, SEALING_CACHE_FILE));
    const key = (state.key ??= loadKey(scope, path.join(directory, SEALING_CACHE_KEY_FILE)));
    const id = `${item.namespace}/${item.name}/${item.key}`;
    state.used.add(id);

    const cached = state.entries.get(id);
    if (
      cached &&
      cached.certificate === item.certificate &&
      cached.scope === item.scope &&
      macMatches(cached.mac, mac(key, item, cached.ciphertext))
    ) {
      return cached.ciphertext;
    }
    const ciphertext = seal();
    const owner = cached?.owner;
    state.entries.set(id, {
      certificate: item.certificate,
      scope: item.scope,
      mac: mac(key, item, ciphertext),
      ciphertext,
      ...(owner !== undefined ? { owner } : {}),
    });
    state.sealed.add(id);
    if (!publishingApps.has(scope.node.root)) save(state.file, state.entries);
    return ciphertext;
  }
}

/**
 * The publish step of the app whose construct tree is `root` and whose output went to
 * `outdir`, after its review passed. In every cache the app opened and in the project's default
 * cache when it exists, each read again from disk: what the app sealed is merged in, the entries
 * the app used that have no owner become its own, and those it owns but did not use are removed
 * (see Pruning above). A file is rewritten only when its content changes. Git's answers of this
 * synth are forgotten: the next synth asks again.
 *
 * @internal
 */
export function _pruneSealingCaches(root: IConstruct, outdir: string): void {
  _forgetGitVerdicts(root);
  const caches = sessions.get(root) ?? new Map<string, CacheState>();
  const files = [...caches.keys()];
  // The app may have sealed nothing this time (its last secret removed): look at the project's cache too.
  const projectCache = path.resolve(SEALING_CACHE_FILE);
  if (!caches.has(projectCache) && fs.existsSync(projectCache)) files.push(projectCache);
  for (const file of files) {
    const state = caches.get(file);
    let onDisk: Map<string, Entry>;
    try {
      // The file as it is now: another process may have written it since the app read it.
      onDisk = readEntries(root, file);
    } catch (error) {
      // An unreadable cache the app did not use is not this synth's concern (its next use reports it).
      if (state === undefined) continue;
      throw error;
    }
    const entries = new Map(onDisk);
    for (const id of state?.sealed ?? []) {
      const owner = onDisk.get(id)?.owner;
      entries.set(id, { ...withoutOwner(state!.entries.get(id)!), ...(owner !== undefined ? { owner } : {}) });
    }
    const relative = path.relative(path.dirname(file), path.resolve(outdir));
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
      const owner = relative.split(path.sep).join('/') || '.';
      const used = state?.used ?? new Set<string>();
      for (const [id, entry] of entries) {
        if (used.has(id) && entry.owner === undefined) entries.set(id, { ...entry, owner });
        else if (!used.has(id) && entry.owner === owner) entries.delete(id);
      }
    }
    if (cacheText(entries) !== cacheText(onDisk)) save(file, entries);
    if (state !== undefined) {
      // A later synth of this app starts from the file as published.
      state.sealed.clear();
      state.entries.clear();
      for (const [id, entry] of entries) state.entries.set(id, entry);
    }
  }
}

function withoutOwner(entry: Entry): Entry {
  return { certificate: entry.certificate, scope: entry.scope, mac: entry.mac, ciphertext: entry.ciphertext };
}

function mac(key: Buffer, item: CacheItem, ciphertext: string): string {
  const hmac = crypto.createHmac('sha256', key);
  for (const part of [MAC_DOMAIN, item.certificate, item.scope, item.label, item.namespace, item.name, item.key, item.value, ciphertext]) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hmac.update(length);
    hmac.update(bytes);
  }
  return hmac.digest('base64');
}

function macMatches(stored: string, computed: string): boolean {
  const a = Buffer.from(stored, 'base64');
  const b = Buffer.from(computed, 'base64');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** The app's view of the cache `file`, read at the app's first use of it. */
function openState(scope: IConstruct, file: string): CacheState {
  const root = scope.node.root;
  const caches = sessions.get(root) ?? new Map<string, CacheState>();
  sessions.set(root, caches);
  const existing = caches.get(file);
  if (existing) return existing;
  const state: CacheState = { file, entries: readEntries(scope, file), used: new Set(), sealed: new Set() };
  caches.set(file, state);
  return state;
}

function readEntries(scope: IConstruct, file: string): Map<string, Entry> {
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new HardeningError(scope, `cannot read the sealing cache '${file}' (${(error as NodeJS.ErrnoException).code}).`);
  }
  const broken = (why: string) =>
    new HardeningError(
      scope,
      `the sealing cache '${file}' ${why}. Delete it (every value is then sealed afresh, once) or restore it from Git.`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw broken('is not valid JSON (a merge conflict?)');
  }
  const doc = parsed as { version?: unknown; entries?: Record<string, Partial<Entry>> };
  if (
    typeof doc !== 'object' ||
    doc === null ||
    doc.version !== FORMAT_VERSION ||
    typeof doc.entries !== 'object' ||
    doc.entries === null
  ) {
    throw broken(`is not a version ${FORMAT_VERSION} cache`);
  }
  const entries = new Map<string, Entry>();
  for (const [id, e] of Object.entries(doc.entries)) {
    if (
      typeof e?.certificate === 'string' &&
      typeof e.scope === 'string' &&
      typeof e.mac === 'string' &&
      typeof e.ciphertext === 'string'
    ) {
      entries.set(id, {
        certificate: e.certificate,
        scope: e.scope,
        mac: e.mac,
        ciphertext: e.ciphertext,
        ...(typeof e.owner === 'string' ? { owner: e.owner } : {}),
      });
    }
  }
  return entries;
}

/** The cache file's text for `state`, entries sorted by id. */
function cacheText(state: Map<string, Entry>): string {
  const entries: Record<string, Entry> = {};
  for (const id of [...state.keys()].sort()) {
    const e = state.get(id)!;
    entries[id] = {
      certificate: e.certificate,
      scope: e.scope,
      mac: e.mac,
      ciphertext: e.ciphertext,
      ...(e.owner !== undefined ? { owner: e.owner } : {}),
    };
  }
  return JSON.stringify({ version: FORMAT_VERSION, about: ABOUT, entries }, undefined, 2) + '\n';
}

function save(file: string, entries: Map<string, Entry>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // A new file renamed over the cache: a link planted at either path is replaced, never written through.
  replaceFile(file, cacheText(entries));
}

function loadKey(scope: IConstruct, file: string): Buffer {
  const fromEnv = process.env[SEALING_CACHE_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length < KEY_BYTES) {
      throw new HardeningError(
        scope,
        `the environment variable ${SEALING_CACHE_KEY_ENV} must hold at least ${KEY_BYTES} random bytes in base64 (got ${key.length} bytes). Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))".`,
      );
    }
    return key;
  }
  if (!pathExists(file)) {
    // Create it empty first, so git can be asked about the real path before any key is in it.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // The key is written through the descriptor of the file just created, never through a link.
    const fd = openNewFile(file, 0o600);
    try {
      const problem = whyNotGitIgnored(file, process.cwd(), scope);
      if (problem !== undefined) {
        fs.rmSync(file);
        throw keyNotIgnored(scope, problem);
      }
      fs.writeFileSync(fd, crypto.randomBytes(KEY_BYTES).toString('base64') + '\n');
    } finally {
      fs.closeSync(fd);
    }
  }
  const problem = whyNotGitIgnored(file, process.cwd(), scope);
  if (problem !== undefined) throw keyNotIgnored(scope, problem);
  const key = Buffer.from(readRegularFile(file).toString('utf8').trim(), 'base64');
  if (key.length < KEY_BYTES) {
    throw new HardeningError(
      scope,
      `the sealing cache key '${file}' must hold at least ${KEY_BYTES} random bytes in base64 (got ${key.length}). Delete it: a new one is created and every value sealed afresh, once.`,
    );
  }
  return key;
}

function keyNotIgnored(scope: IConstruct, problem: string): HardeningError {
  return new HardeningError(
    scope,
    `the sealing cache key must stay out of Git, but ${problem}. Add '${SEALING_CACHE_KEY_FILE}' to .gitignore, or set ${SEALING_CACHE_KEY_ENV}.`,
  );
}

/** Forgets every app's caches and git answers (tests that stand for a fresh process). @internal */
export function _resetSealingCaches(): void {
  sessions = new WeakMap();
  _resetGitVerdicts();
}
