import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** Options of `EnvFrom`. */
export interface EnvFromOptions {
  /**
   * Put before every variable name, for example `DB_`.
   *
   * @default - none
   */
  readonly prefix?: string;
}

/**
 * Every key of a ConfigMap (or, with an exception to `secret-as-file`, of a Secret) as an
 * environment variable.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/#configure-all-key-value-pairs-in-a-configmap-as-container-environment-variables
 */
export class EnvFrom {
  /** Every key of the ConfigMap `configMapName` (of the workload's namespace). */
  public static fromConfigMap(configMapName: string, options: EnvFromOptions = {}): EnvFrom {
    return new EnvFrom(
      undefined,
      (scope, id) => new kplus.EnvFrom(kplus.ConfigMap.fromConfigMapName(scope, id, configMapName), options.prefix),
    );
  }

  /** Every key of the Secret `secretName`. Needs an exception to `secret-as-file`: prefer `secretMounts`. */
  public static fromSecret(secretName: string, options: EnvFromOptions = {}): EnvFrom {
    return new EnvFrom(
      secretName,
      (scope, id) => new kplus.EnvFrom(undefined, options.prefix, kplus.Secret.fromSecretName(scope, id, secretName)),
    );
  }

  private constructor(
    private readonly secretName: string | undefined,
    private readonly build: (scope: Construct, id: string) => kplus.EnvFrom,
  ) {}

  /**
   * The Secret the variables come from, if any (the container asks for the exception).
   *
   * @internal
   */
  public get _secretName(): string | undefined {
    return this.secretName;
  }

  /**
   * The cdk8s-plus-27 source; its ConfigMap or Secret reference is created in `scope` as `id`.
   *
   * @internal
   */
  public _toEnvFrom(scope: Construct, id: string): kplus.EnvFrom {
    return this.build(scope, id);
  }
}
