import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** A field of the pod (or its node) an environment variable can hold. */
export enum PodField {
  /** The pod's name. */
  POD_NAME = 'metadata.name',
  /** The pod's namespace. */
  POD_NAMESPACE = 'metadata.namespace',
  /** The pod's UID. */
  POD_UID = 'metadata.uid',
  /** The pod's IP address. */
  POD_IP = 'status.podIP',
  /** The name of the pod's ServiceAccount. */
  SERVICE_ACCOUNT_NAME = 'spec.serviceAccountName',
  /** The name of the node the pod runs on. */
  NODE_NAME = 'spec.nodeName',
  /** The IP address of the node the pod runs on. */
  NODE_IP = 'status.hostIP',
}

const FIELD_PATHS: Record<PodField, kplus.EnvFieldPaths> = {
  [PodField.POD_NAME]: kplus.EnvFieldPaths.POD_NAME,
  [PodField.POD_NAMESPACE]: kplus.EnvFieldPaths.POD_NAMESPACE,
  [PodField.POD_UID]: kplus.EnvFieldPaths.POD_UID,
  [PodField.POD_IP]: kplus.EnvFieldPaths.POD_IP,
  [PodField.SERVICE_ACCOUNT_NAME]: kplus.EnvFieldPaths.SERVICE_ACCOUNT_NAME,
  [PodField.NODE_NAME]: kplus.EnvFieldPaths.NODE_NAME,
  [PodField.NODE_IP]: kplus.EnvFieldPaths.NODE_IP,
};

/** Options of a value read from a ConfigMap or Secret key. */
export interface EnvKeyOptions {
  /**
   * Start the container even when the ConfigMap, the Secret or the key is missing.
   *
   * @default false
   */
  readonly optional?: boolean;
}

/**
 * The value of an environment variable: a literal, a ConfigMap key, a field of the pod, or
 * (with an exception to `secret-as-file`) a Secret key.
 *
 * @see https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
 */
export class EnvValue {
  /** A literal value. Never a secret: mount secrets with `secretMounts`. */
  public static fromValue(value: string): EnvValue {
    return new EnvValue(undefined, () => kplus.EnvValue.fromValue(value));
  }

  /** The value of `key` in the ConfigMap `configMapName` (of the workload's namespace). */
  public static fromConfigMapKey(configMapName: string, key: string, options: EnvKeyOptions = {}): EnvValue {
    return new EnvValue(undefined, (scope, id) =>
      kplus.EnvValue.fromConfigMap(kplus.ConfigMap.fromConfigMapName(scope, id, configMapName), key, { optional: options.optional }),
    );
  }

  /**
   * The value of `key` in the Secret `secretName`. Needs an exception to `secret-as-file`,
   * like `secretEnv`: prefer `secretMounts`.
   */
  public static fromSecretKey(secretName: string, key: string, options: EnvKeyOptions = {}): EnvValue {
    return new EnvValue(secretName, (scope, id) =>
      kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(scope, id, secretName), key }, { optional: options.optional }),
    );
  }

  /** A field of the pod or its node, such as its namespace. */
  public static fromPodField(field: PodField): EnvValue {
    return new EnvValue(undefined, () => kplus.EnvValue.fromFieldRef(FIELD_PATHS[field]));
  }

  private constructor(
    private readonly secretName: string | undefined,
    private readonly build: (scope: Construct, id: string) => kplus.EnvValue,
  ) {}

  /**
   * The Secret the value comes from, if any (the container asks for the exception).
   *
   * @internal
   */
  public get _secretName(): string | undefined {
    return this.secretName;
  }

  /**
   * The cdk8s-plus-27 value; a ConfigMap or Secret reference is created in `scope` as `id`.
   *
   * @internal
   */
  public _toEnvValue(scope: Construct, id: string): kplus.EnvValue {
    return this.build(scope, id);
  }
}
