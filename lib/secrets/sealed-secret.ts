import { ApiObject, ApiObjectProps, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { requireDns1123Label } from '../core/names';
import { encryptionLabel, scopeAnnotations, SEALED_SECRET_API_VERSION, SEALED_SECRET_KIND, sealValue, SealingScope } from './seal';
import { SealingCache } from './sealing-cache';
import { SealingCertificate } from './sealing-certificate';
import { declaredNamespace, requireDns1123Subdomain, requireSecretKey } from './secret-names';
import { SecretValue } from './secret-value';

/** Props of a `SealedSecret`. */
export interface SealedSecretProps {
  /**
   * Name of the SealedSecret and of the Secret the controller creates from it.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Namespace of the SealedSecret and its Secret.
   *
   * @default - the enclosing HardenedNamespace, else the chart's namespace. Never `default`:
   *   with `STRICT` or `NAMESPACE_WIDE` scope and no namespace, synth fails.
   */
  readonly namespace?: string;

  /** The controller's public certificate: `SealingCertificate.fromFile('sealing-cert.pem')`. */
  readonly certificate: SealingCertificate;

  /**
   * Where the values may be unsealed.
   *
   * @default SealingScope.STRICT - only as this name in this namespace
   */
  readonly scope?: SealingScope;

  /**
   * The Secret's keys and where each value comes from: `SecretValue.fromEnv('DB_PASSWORD')`
   * or `SecretValue.fromFile('secrets/db-password')`. At least one.
   */
  readonly values: { [key: string]: SecretValue };

  /**
   * Type of the Secret the controller creates.
   *
   * @default 'Opaque'
   */
  readonly type?: string;

  /**
   * Where previous ciphertexts are kept so that re-synthesis does not change the YAML.
   *
   * @default SealingCache.inProject() - `.sealed-secrets.cache.json` in the current directory
   */
  readonly cache?: SealingCache;
}

/**
 * A Bitnami Sealed Secrets `SealedSecret`: secret values encrypted offline with the
 * controller's public certificate, safe to commit. Only the controller in the cluster can
 * decrypt them, into a Secret of this name and namespace (with the default strict scope).
 *
 * Values come from environment variables or git-ignored files, never from code. Each value
 * is sealed exactly as `kubeseal` does (RSA-OAEP SHA-256 + AES-256-GCM, see `seal.ts`), and a
 * cache keeps the ciphertext stable across synths while nothing changed (see
 * `sealing-cache.ts` for what it stores and why that is safe to commit).
 *
 * @see https://github.com/bitnami-labs/sealed-secrets
 */
export class SealedSecret extends Construct {
  /** Name of the SealedSecret and of its Secret. */
  public readonly name: string;
  /** Namespace of the SealedSecret and its Secret (`undefined` only for a cluster-wide one without a namespace). */
  public readonly namespace?: string;
  /** Where the values may be unsealed. */
  public readonly scope: SealingScope;
  /** Type of the Secret. */
  public readonly type: string;
  /** The Secret's keys, sorted. */
  public readonly keys: string[];
  /** The SealedSecret object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: SealedSecretProps) {
    super(scope, id);
    this.name = requireDns1123Subdomain(this, 'name', props.name ?? id);
    this.scope = props.scope ?? SealingScope.STRICT;
    if (!Object.values(SealingScope).includes(this.scope)) {
      throw new HardeningError(this, `'scope' must be a SealingScope (got '${this.scope}'). Use SealingScope.STRICT.`);
    }
    this.namespace = declaredNamespace(this, props.namespace);
    if (this.namespace !== undefined) requireDns1123Label(this, 'namespace', this.namespace);
    if (this.namespace === undefined && this.scope !== SealingScope.CLUSTER_WIDE) {
      throw new HardeningError(
        this,
        `has no namespace, and a ${this.scope} SealedSecret is sealed for one (the namespace is part of the encryption label). Set 'namespace', or create it inside a HardenedNamespace or a chart with a namespace.`,
      );
    }
    this.type = props.type ?? 'Opaque';
    if (this.type.trim() === '') {
      throw new HardeningError(this, "'type' must not be empty. Use 'Opaque' or a built-in type such as 'kubernetes.io/tls'.");
    }
    this.keys = Object.keys(props.values ?? {}).sort();
    if (this.keys.length === 0) {
      throw new HardeningError(
        this,
        "'values' is empty. Give at least one key, for example values: { password: SecretValue.fromEnv('DB_PASSWORD') }.",
      );
    }

    // The certificate is read here, a plain file read whose errors name this construct and its
    // field. Everything with side effects (values read from files or generated into them, the
    // `git check-ignore` of those files, sealing, the cache file) waits until synth resolves the
    // object: constructing a SealedSecret only builds it.
    const certificate = props.certificate._load(this);
    for (const key of this.keys) requireSecretKey(this, `values.${key}`, key);
    const values = props.values;
    const cache = props.cache ?? SealingCache.inProject();
    const sealAll = (): Record<string, string> => {
      const namespace = this.namespace ?? '';
      const label = encryptionLabel(this.scope, namespace, this.name);
      const sealed: Record<string, string> = {};
      for (const key of this.keys) {
        const value = values[key]._resolve(this, `values.${key}`);
        try {
          sealed[key] = cache._sealOrReuse(
            this,
            { certificate: certificate.fingerprint, scope: this.scope, label, namespace, name: this.name, key, value },
            () => sealValue(certificate.publicKey, value, this.scope, namespace, this.name),
          );
        } finally {
          value.fill(0);
        }
      }
      return sealed;
    };

    const metadata = () => {
      const annotations = scopeAnnotations(this.scope);
      return {
        name: this.name,
        ...(this.namespace !== undefined ? { namespace: this.namespace } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      };
    };
    // As kubeseal writes it: the scope annotations on the SealedSecret (the controller reads
    // them there to compute the label) and on the template (so the Secret carries them too).
    // Sealed once, at the first serialization: later ones see the same ciphertexts.
    const sealed: { data?: Record<string, string> } = {};
    this.apiObject = new SealedSecretObject(this, 'Resource', () => void (sealed.data ??= sealAll()), {
      apiVersion: SEALED_SECRET_API_VERSION,
      kind: SEALED_SECRET_KIND,
      metadata: metadata(),
      // `encryptedData` keeps its place before `template`; its value is the one `prepare` sealed.
      spec: { encryptedData: Lazy.any({ produce: () => sealed.data }), template: { metadata: metadata(), type: this.type } },
    });
  }
}

/**
 * The SealedSecret object: `prepare` (sealing, once) runs when synth first serializes it and
 * before cdk8s's own `toJson`, which would wrap a `HardeningError` into a plain error and lose
 * its one-line message.
 */
class SealedSecretObject extends ApiObject {
  constructor(
    scope: Construct,
    id: string,
    private readonly prepare: () => void,
    props: ApiObjectProps,
  ) {
    super(scope, id, props);
  }

  public toJson(): ReturnType<ApiObject['toJson']> {
    this.prepare();
    return super.toJson();
  }
}
