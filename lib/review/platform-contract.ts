/**
 * The platform contract (`platform.json`): what a platform's reviewed output declares of its
 * namespaces, published beside its manifests, so that the review of an application deployed
 * from another repository into those namespaces knows them as if they were in its own output.
 *
 * It carries exactly what the rules read from a Namespace and the objects around it
 * (`namespaceFacts`): the Pod Security labels, whether policies selecting every pod isolate
 * ingress and egress, and the Service quota entries set to zero. Nothing else: no rule reads
 * a LimitRange, and the NetworkPolicies' allowed sources are the reachability analysis's, not
 * a rule's.
 */
import { createHash } from 'node:crypto';
import { compareText } from '../core/compare-text';
import { NOT_REGULAR_FILE, readRegularFile } from '../core/files';
import { KubeObject, ReviewContext } from './model';
import { factsInOutput, POD_SECURITY_KEYS, SERVICE_QUOTA_ENTRIES } from './rules/network/namespace-facts';
import { isRecord } from './walkers';
import { toolVersion } from './tool-version';

/** The file name the contract is published under, beside the manifests. */
export const PLATFORM_CONTRACT_FILE = 'platform.json';

/** The version of the contract's shape this library writes and reads. */
export const PLATFORM_CONTRACT_SCHEMA_VERSION = 1;

/** Pod Security labels by suffix: `enforce`, `enforce-version`, `audit`, `audit-version`, `warn`, `warn-version`. */
export type PodSecurityLabels = Readonly<Partial<Record<(typeof POD_SECURITY_KEYS)[number], string>>>;

/** A Service quota entry (`services.loadbalancers`, `services.nodeports`) a ResourceQuota sets to zero. */
export interface ServiceQuotaLimit {
  /** The ResourceQuota's name. */
  readonly quota: string;
  /** The entry set to zero. */
  readonly zero: (typeof SERVICE_QUOTA_ENTRIES)[number];
}

/** One namespace the platform declares, with what the rules read of it. */
export interface PlatformNamespace {
  readonly name: string;
  /** Its Pod Security labels (those it carries). */
  readonly podSecurity: PodSecurityLabels;
  /** Whether a NetworkPolicy selecting every pod isolates each direction (as `namespace-default-deny` judges). */
  readonly defaultDeny: { readonly ingress: boolean; readonly egress: boolean };
  /** Service quota entries set to zero (as `service-type-allowed-by-quota` reads them), sorted. */
  readonly serviceQuota: readonly ServiceQuotaLimit[];
}

/** The contract's content. */
export interface PlatformContract {
  readonly schemaVersion: typeof PLATFORM_CONTRACT_SCHEMA_VERSION;
  /** The library that wrote it: `cdk8s-hardened <version>`. */
  readonly writtenBy: string;
  /** Sorted by name. */
  readonly namespaces: readonly PlatformNamespace[];
}

/** A contract read from a file, as the review uses and reports it. */
export interface PlatformContractSource {
  /** The path as given. */
  readonly file: string;
  /** The SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
  readonly contract: PlatformContract;
}

/**
 * A platform contract that cannot be used, or a namespace both it and the reviewed objects
 * declare: names the file, the JSON path and the fix. One line, for people (`userFacing`: the
 * synth's error printer shows it without a stack).
 */
export class PlatformContractError extends Error {
  public readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'PlatformContractError';
  }
}

/**
 * The contract of a reviewed output: every v1 Namespace in `objects`, with the facts the rules
 * read of it (through the same function the rules use), sorted by name.
 *
 * @param context the review context of the objects (see `reviewContextOf`)
 */
export function platformContractOf(context: ReviewContext): PlatformContract {
  const namespaces = context
    .byKind('Namespace')
    .filter((ns): ns is KubeObject & { metadata: { name: string } } => ns.apiVersion === 'v1' && typeof ns.metadata?.name === 'string')
    .map((ns) => factsInOutput(context, ns.metadata.name, ns))
    .sort((a, b) => compareText(a.name, b.name));
  return { schemaVersion: PLATFORM_CONTRACT_SCHEMA_VERSION, writtenBy: `cdk8s-hardened ${toolVersion()}`, namespaces };
}

/** The contract as the file's text: 2-space JSON, keys in a fixed order, a final newline. */
export function platformContractJson(contract: PlatformContract): string {
  const namespaces = contract.namespaces.map((ns) => ({
    name: ns.name,
    podSecurity: Object.fromEntries(POD_SECURITY_KEYS.filter((k) => ns.podSecurity[k] !== undefined).map((k) => [k, ns.podSecurity[k]])),
    defaultDeny: { ingress: ns.defaultDeny.ingress, egress: ns.defaultDeny.egress },
    serviceQuota: ns.serviceQuota.map((q) => ({ quota: q.quota, zero: q.zero })),
  }));
  return JSON.stringify({ schemaVersion: contract.schemaVersion, writtenBy: contract.writtenBy, namespaces }, null, 2) + '\n';
}

/** Reads a contract file (a regular file). @throws PlatformContractError */
export function readPlatformContract(file: string): PlatformContractSource {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === NOT_REGULAR_FILE ? 'is not a regular file' : `cannot be read (${code ?? error})`;
    throw new PlatformContractError(
      `platform contract ${file} ${why}. Fix: point to the ${PLATFORM_CONTRACT_FILE} the platform's synth published (HardenedApp publishPlatformContract), relative to the folder the review runs in.`,
    );
  }
  return { file, sha256: createHash('sha256').update(bytes).digest('hex'), contract: parsePlatformContract(bytes.toString('utf8'), file) };
}

/** The advice every refusal ends with. */
const REGENERATE = `Fix: use the ${PLATFORM_CONTRACT_FILE} the platform's synth published, as it wrote it (it is never edited by hand).`;
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Checks the text of a contract strictly: every field known, of its type, nothing else. @throws PlatformContractError */
export function parsePlatformContract(text: string, file: string): PlatformContract {
  const refuse = (at: string, problem: string): never => {
    throw new PlatformContractError(`platform contract ${file}: ${at} ${problem}. ${REGENERATE}`);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse('$', `is not JSON (${(error as Error).message})`);
  }
  const root = record(value, '$', ['schemaVersion', 'writtenBy', 'namespaces'], refuse);
  const writtenBy =
    typeof root.writtenBy === 'string' ? root.writtenBy : refuse('$.writtenBy', `must be a string (got ${shown(root.writtenBy)})`);
  if (root.schemaVersion !== PLATFORM_CONTRACT_SCHEMA_VERSION) {
    throw new PlatformContractError(
      `platform contract ${file}: $.schemaVersion is ${shown(root.schemaVersion)}, which cdk8s-hardened ${toolVersion()} does not read ` +
        `(it reads ${PLATFORM_CONTRACT_SCHEMA_VERSION}; the file was written by ${writtenBy}). ` +
        `Fix: use the same cdk8s-hardened version in the platform and in this project, and synthesize the platform again.`,
    );
  }
  if (!Array.isArray(root.namespaces)) return refuse('$.namespaces', `must be a list (got ${shown(root.namespaces)})`);
  const seen = new Set<string>();
  const namespaces = root.namespaces.map((entry: unknown, i: number): PlatformNamespace => {
    const at = `$.namespaces[${i}]`;
    const ns = record(entry, at, ['name', 'podSecurity', 'defaultDeny', 'serviceQuota'], refuse);
    if (typeof ns.name !== 'string' || !NAMESPACE_NAME.test(ns.name))
      refuse(`${at}.name`, `must be a namespace name (lower-case letters, digits and -; got ${shown(ns.name)})`);
    const name = ns.name as string;
    if (seen.has(name)) refuse(`${at}.name`, `repeats the namespace "${name}"`);
    seen.add(name);
    const podSecurity = record(ns.podSecurity, `${at}.podSecurity`, POD_SECURITY_KEYS, refuse, false);
    for (const [key, label] of Object.entries(podSecurity)) {
      if (typeof label !== 'string') refuse(`${at}.podSecurity.${key}`, `must be a string (got ${shown(label)})`);
    }
    const deny = record(ns.defaultDeny, `${at}.defaultDeny`, ['ingress', 'egress'], refuse);
    for (const direction of ['ingress', 'egress'] as const) {
      if (typeof deny[direction] !== 'boolean')
        refuse(`${at}.defaultDeny.${direction}`, `must be true or false (got ${shown(deny[direction])})`);
    }
    if (!Array.isArray(ns.serviceQuota)) return refuse(`${at}.serviceQuota`, `must be a list (got ${shown(ns.serviceQuota)})`);
    const serviceQuota = ns.serviceQuota.map((q: unknown, j: number): ServiceQuotaLimit => {
      const limit = record(q, `${at}.serviceQuota[${j}]`, ['quota', 'zero'], refuse);
      if (typeof limit.quota !== 'string') refuse(`${at}.serviceQuota[${j}].quota`, `must be a string (got ${shown(limit.quota)})`);
      if (!(SERVICE_QUOTA_ENTRIES as readonly unknown[]).includes(limit.zero))
        refuse(`${at}.serviceQuota[${j}].zero`, `must be one of ${SERVICE_QUOTA_ENTRIES.join(', ')} (got ${shown(limit.zero)})`);
      return limit as unknown as ServiceQuotaLimit;
    });
    return {
      name,
      podSecurity: podSecurity as PodSecurityLabels,
      defaultDeny: { ingress: deny.ingress as boolean, egress: deny.egress as boolean },
      serviceQuota,
    };
  });
  return { schemaVersion: PLATFORM_CONTRACT_SCHEMA_VERSION, writtenBy, namespaces };
}

/** `value` as a mapping whose keys are among `fields` (all of them when `required`). */
function record(
  value: unknown,
  at: string,
  fields: readonly string[],
  refuse: (at: string, problem: string) => never,
  required = true,
): Record<string, unknown> {
  if (!isRecord(value)) return refuse(at, `must be an object (got ${shown(value)})`);
  const unknown = Object.keys(value).find((key) => !fields.includes(key));
  if (unknown !== undefined) refuse(`${at}.${unknown}`, `is not a field of the contract (known: ${fields.join(', ')})`);
  const missing = required ? fields.find((field) => !Object.prototype.hasOwnProperty.call(value, field)) : undefined;
  if (missing !== undefined) refuse(`${at}.${missing}`, 'is missing');
  return value;
}

/** A value as a message shows it: JSON, shortened. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
