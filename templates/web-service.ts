import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HardenedDeployment, HardeningException, HealthCheck } from '../lib';
import { connect, Dependency, ExternalDependency } from './dependency';
import { templateContainer, TemplateContainerOptions } from './shared/template-container';

/** Props of a `WebService`. */
export interface WebServiceProps extends TemplateContainerOptions {
  /** The port the service listens on (HTTP). */
  readonly port: number;
  /**
   * Fewest pods; the autoscaler adds more under load.
   *
   * @default 2
   */
  readonly minReplicas?: number;
  /**
   * Most pods.
   *
   * @default 10
   */
  readonly maxReplicas?: number;
  /**
   * Average CPU use (percent of the request) the autoscaler aims for.
   *
   * @default 70
   */
  readonly targetCpuUtilization?: number;
  /** @default '/ready' */
  readonly readinessPath?: string;
  /** @default '/healthz' */
  readonly livenessPath?: string;
  /**
   * Accept traffic from the ingress controller (in `ingress-nginx` by default). Turn off for
   * an internal service reached only through `allowFrom`.
   *
   * @default true
   */
  readonly fromIngressController?: boolean;
  /** @default 'ingress-nginx' */
  readonly ingressControllerNamespace?: string;
  /** Workloads this service calls. @default - none */
  readonly dependencies?: Dependency[];
  /** Addresses outside the cluster this service calls. @default - none */
  readonly externalDependencies?: ExternalDependency[];
  /** @default - none */
  readonly exceptions?: HardeningException[];
}

/**
 * An HTTP service: a hardened Deployment (with its PodDisruptionBudget), a ClusterIP
 * Service, a HorizontalPodAutoscaler, traffic from the ingress controller only, and egress
 * only to the dependencies it names.
 */
export class WebService extends Construct {
  /** The hardened Deployment. */
  public readonly workload: HardenedDeployment;
  /** The ClusterIP Service in front of it, named after it. */
  public readonly service: k8s.KubeService;
  /** The autoscaler. */
  public readonly autoscaler: kplus.HorizontalPodAutoscaler;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const minReplicas = props.minReplicas ?? 2;
    this.workload = new HardenedDeployment(this, id, {
      replicas: minReplicas,
      autoscaled: true,
      exceptions: props.exceptions,
      containers: [
        templateContainer(props, {
          portNumber: props.port,
          writablePaths: ['/tmp'],
          readiness: HealthCheck.httpGet(props.readinessPath ?? '/ready', { port: props.port }),
          liveness: HealthCheck.httpGet(props.livenessPath ?? '/healthz', { port: props.port }),
        }),
      ],
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.workload.name, namespace: this.workload.namespace, labels: { ...this.workload.selectorLabels } },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.workload.selectorLabels },
        ports: [{ name: 'http', port: props.port, targetPort: k8s.IntOrString.fromNumber(props.port), protocol: 'TCP' }],
      },
    });
    this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata: { name: this.workload.name, namespace: this.workload.namespace },
      target: this.workload.deployment,
      minReplicas,
      maxReplicas: props.maxReplicas ?? 10,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(props.targetCpuUtilization ?? 70))],
    });
    if (props.fromIngressController ?? true) {
      this.workload.allowFromIngressController({ port: props.port, namespace: props.ingressControllerNamespace });
    }
    connect(this.workload, props.dependencies, props.externalDependencies);
  }
}
