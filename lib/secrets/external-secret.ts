import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { requireDns1123Label } from '../core/names';
import { declaredNamespace, requireDns1123Subdomain, requireSecretKey } from './secret-names';

/** Which kind of store an ExternalSecret reads from. */
export enum SecretStoreKind {
  /** A `SecretStore` in the ExternalSecret's own namespace. */
  SECRET_STORE = 'SecretStore',
  /** A `ClusterSecretStore`, shared by every namespace it allows. */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',
}

/** The store an ExternalSecret reads from. */
export interface SecretStoreRef {
  /** Name of the SecretStore or ClusterSecretStore. */
  readonly name: string;

  /**
   * Kind of the store.
   *
   * @default SecretStoreKind.SECRET_STORE
   */
  readonly kind?: SecretStoreKind;
}

/** Where one value lives in the external store. */
export interface RemoteRef {
  /** Key (path, name) of the secret in the external store, for example `prod/shop/db`. */
  readonly key: string;

  /**
   * One property of a structured (JSON) secret, for example `password`.
   *
   * @default - the whole secret value
   */
  readonly property?: string;
}

/** One key of the Secret, and where its value comes from. */
export interface ExternalSecretData {
  /** Key in the Kubernetes Secret, for example `password`. */
  readonly secretKey: string;
  /** Where the value lives in the external store. */
  readonly remoteRef: RemoteRef;
}

/** Props of an `ExternalSecret`. */
export interface ExternalSecretProps {
  /**
   * Name of the ExternalSecret.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Namespace of the ExternalSecret and of the Secret it creates.
   *
   * @default - the enclosing HardenedNamespace, else the chart's namespace; synth fails
   *   without one (never `default`)
   */
  readonly namespace?: string;

  /** The SecretStore or ClusterSecretStore to read from. */
  readonly storeRef: SecretStoreRef;

  /**
   * How often the operator re-reads the store (and so how fast a rotation arrives).
   *
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;

  /**
   * Name of the Secret the operator creates and owns (deleted with the ExternalSecret).
   *
   * @default - the ExternalSecret's name
   */
  readonly targetName?: string;

  /** The Secret's keys and where each value lives. At least one. */
  readonly data: ExternalSecretData[];
}

/** API version of the External Secrets Operator's ExternalSecret. */
export const EXTERNAL_SECRET_API_VERSION = 'external-secrets.io/v1';

/**
 * An External Secrets Operator `ExternalSecret`: the operator reads values from an external
 * store (a cloud secret manager, Vault, ...) and writes a Secret that it owns. The app
 * carries no secret material at all, only references.
 *
 * The Secret is created with `creationPolicy: Owner`, so it is deleted with the
 * ExternalSecret and never left behind.
 *
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export class ExternalSecret extends Construct {
  /** Name of the ExternalSecret. */
  public readonly name: string;
  /** Namespace of the ExternalSecret and its Secret. */
  public readonly namespace: string;
  /** Name of the Secret the operator creates. */
  public readonly targetName: string;
  /** The ExternalSecret object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id);
    this.name = requireDns1123Subdomain(this, 'name', props.name ?? id);
    const namespace = declaredNamespace(this, props.namespace);
    if (namespace === undefined) {
      throw new HardeningError(
        this,
        "has no namespace. Set 'namespace', or create it inside a HardenedNamespace or a chart with a namespace; a Secret's namespace decides who can read it, so it is never guessed.",
      );
    }
    this.namespace = requireDns1123Label(this, 'namespace', namespace);
    this.targetName = requireDns1123Subdomain(this, 'targetName', props.targetName ?? this.name);
    const storeName = requireDns1123Subdomain(this, 'storeRef.name', props.storeRef.name);
    const storeKind = props.storeRef.kind ?? SecretStoreKind.SECRET_STORE;
    if (!Object.values(SecretStoreKind).includes(storeKind)) {
      throw new HardeningError(
        this,
        `'storeRef.kind' must be a SecretStoreKind (got '${storeKind}'). Use SecretStoreKind.SECRET_STORE or SecretStoreKind.CLUSTER_SECRET_STORE.`,
      );
    }
    const refreshInterval = goDuration(props.refreshInterval ?? Duration.hours(1));
    if (!props.data?.length) {
      throw new HardeningError(
        this,
        "'data' is empty. Give at least one entry, for example data: [{ secretKey: 'password', remoteRef: { key: 'prod/shop/db', property: 'password' } }].",
      );
    }
    const seen = new Set<string>();
    const data = props.data.map((entry, i) => {
      const field = `data[${i}]`;
      requireSecretKey(this, `${field}.secretKey`, entry.secretKey);
      if (seen.has(entry.secretKey)) {
        throw new HardeningError(
          this,
          `'${field}.secretKey' repeats '${entry.secretKey}'. Each key of the Secret may come from one place only.`,
        );
      }
      seen.add(entry.secretKey);
      if (!entry.remoteRef?.key?.trim()) {
        throw new HardeningError(
          this,
          `'${field}.remoteRef.key' is empty. Name the secret in the external store, for example 'prod/shop/db'.`,
        );
      }
      if (entry.remoteRef.property !== undefined && entry.remoteRef.property.trim() === '') {
        throw new HardeningError(this, `'${field}.remoteRef.property' is empty. Leave it out to take the whole value, or name a property.`);
      }
      return {
        secretKey: entry.secretKey,
        remoteRef: { key: entry.remoteRef.key, ...(entry.remoteRef.property !== undefined ? { property: entry.remoteRef.property } : {}) },
      };
    });

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: EXTERNAL_SECRET_API_VERSION,
      kind: 'ExternalSecret',
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        refreshInterval,
        secretStoreRef: { name: storeName, kind: storeKind },
        target: { name: this.targetName, creationPolicy: 'Owner' },
        data,
      },
    });
  }
}

/** A duration as a Go duration string in its largest whole unit: `1h`, `90m`, `45s`, `1500ms`. */
export function goDuration(duration: Duration): string {
  const ms = duration.toMilliseconds();
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
