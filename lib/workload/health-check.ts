import * as kplus from 'cdk8s-plus-27';
import { Duration } from 'cdk8s';

/** Whether an HTTP health check connects with TLS. */
export enum HttpScheme {
  /** Plain HTTP. */
  HTTP = 'HTTP',
  /** HTTPS; the kubelet does not verify the certificate. */
  HTTPS = 'HTTPS',
}

/** When a health check runs and how many results change the container's state. */
export interface HealthCheckOptions {
  /**
   * Consecutive failures after which the check counts as failed.
   *
   * @default 3
   */
  readonly failureThreshold?: number;

  /**
   * Consecutive successes after which a failed check counts as passing again. Must be 1 for
   * liveness and startup checks.
   *
   * @default 1
   */
  readonly successThreshold?: number;

  /**
   * How long after the container starts the first check runs.
   *
   * @default - immediately
   */
  readonly initialDelay?: Duration;

  /**
   * How often the check runs.
   *
   * @default Duration.seconds(10)
   */
  readonly period?: Duration;

  /**
   * How long one check may take before it counts as failed.
   *
   * @default Duration.seconds(1)
   */
  readonly timeout?: Duration;
}

/** Options of `HealthCheck.tcpSocket()`. */
export interface TcpHealthCheckOptions extends HealthCheckOptions {
  /**
   * The port to connect to.
   *
   * @default - the container's `portNumber`, else 80
   */
  readonly port?: number;

  /**
   * The host to connect to.
   *
   * @default - the pod's IP
   */
  readonly host?: string;
}

/** Options of `HealthCheck.httpGet()`. */
export interface HttpHealthCheckOptions extends TcpHealthCheckOptions {
  /**
   * HTTP or HTTPS.
   *
   * @default HttpScheme.HTTP
   */
  readonly scheme?: HttpScheme;
}

/**
 * How the kubelet checks that a container is ready, alive or started (a probe). Built with
 * `HealthCheck.httpGet()`, `HealthCheck.tcpSocket()` or `HealthCheck.command()`; independent
 * of the cdk8s-plus version the project uses.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes
 */
export class HealthCheck {
  /** A GET request to `path`; any status from 200 to 399 passes. */
  public static httpGet(path: string, options: HttpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck(() =>
      kplus.Probe.fromHttpGet(path, { ...probeTiming(options), port: options.port, scheme: scheme(options), host: options.host }),
    );
  }

  /** A TCP connection to a port; it passes when the connection opens. */
  public static tcpSocket(options: TcpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck(() => kplus.Probe.fromTcpSocket({ ...probeTiming(options), port: options.port, host: options.host }));
  }

  /** A command run inside the container; exit status 0 passes. */
  public static command(command: string[], options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck(() => kplus.Probe.fromCommand([...command], probeTiming(options)));
  }

  private constructor(private readonly build: () => kplus.Probe) {}

  /**
   * The cdk8s-plus-27 probe the workloads are built with.
   *
   * @internal
   */
  public _toProbe(): kplus.Probe {
    return this.build();
  }
}

function probeTiming(options: HealthCheckOptions): kplus.ProbeOptions {
  return {
    failureThreshold: options.failureThreshold,
    successThreshold: options.successThreshold,
    initialDelaySeconds: options.initialDelay,
    periodSeconds: options.period,
    timeoutSeconds: options.timeout,
  };
}

function scheme(options: HttpHealthCheckOptions): kplus.ConnectionScheme | undefined {
  return options.scheme === undefined
    ? undefined
    : options.scheme === HttpScheme.HTTPS
      ? kplus.ConnectionScheme.HTTPS
      : kplus.ConnectionScheme.HTTP;
}
