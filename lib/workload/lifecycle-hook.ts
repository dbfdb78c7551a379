import * as kplus from 'cdk8s-plus-27';

/** Options of `LifecycleHook.httpGet()`. */
export interface HttpLifecycleHookOptions {
  /**
   * The port to send the request to.
   *
   * @default - the container's `portNumber`, else 80
   */
  readonly port?: number;
}

/**
 * An action the kubelet runs right after a container starts or right before it stops: a GET
 * request (`LifecycleHook.httpGet()`) or a command (`LifecycleHook.command()`).
 *
 * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
 */
export class LifecycleHook {
  /** A GET request to `path` on the container. */
  public static httpGet(path: string, options: HttpLifecycleHookOptions = {}): LifecycleHook {
    return new LifecycleHook(() => kplus.Handler.fromHttpGet(path, { port: options.port }));
  }

  /** A command run inside the container, for example a graceful drain before it stops. */
  public static command(command: string[]): LifecycleHook {
    return new LifecycleHook(() => kplus.Handler.fromCommand([...command]));
  }

  private constructor(private readonly build: () => kplus.Handler) {}

  /**
   * The cdk8s-plus-27 handler the workloads are built with.
   *
   * @internal
   */
  public _toHandler(): kplus.Handler {
    return this.build();
  }
}

/** The hooks of a container. */
export interface ContainerLifecycle {
  /**
   * Runs right after the container is created (not necessarily before its entrypoint).
   *
   * @default - none
   */
  readonly postStart?: LifecycleHook;

  /**
   * Runs before the container is stopped; the grace period counts from its start.
   *
   * @default - none
   */
  readonly preStop?: LifecycleHook;
}
