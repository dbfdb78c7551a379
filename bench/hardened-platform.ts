import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { HardenedApp, HardenedDeployment, HardenedNamespace, HealthCheck } from '../lib';
import { callerOf, IMAGE, planPlatform, PORT, REVIEW_DATE } from './workloads';

/**
 * The hardened platform: per namespace of 50 a chart with a `HardenedNamespace`; per workload
 * a `HardenedDeployment` (with its ServiceAccount and PodDisruptionBudget), a Service named
 * after it, traffic from its neighbour and from the ingress controller. Synth in a
 * `HardenedApp`: every object reviewed, the reports and analyses written.
 */
export function hardenedPlatform(size: number, outdir: string): App {
  return addHardenedWorkloads(new HardenedApp({ outdir, reviewDate: REVIEW_DATE }), size);
}

/**
 * The same constructs in a plain cdk8s `App`: the very objects of the hardened platform,
 * synthesized and written by cdk8s alone, without review, reports or this library's writer.
 * Splits the hardened/baseline ratio into what the extra objects cost in cdk8s and what
 * the review costs on top.
 */
export function unreviewedPlatform(size: number, outdir: string): App {
  return addHardenedWorkloads(new App({ outdir }), size);
}

function addHardenedWorkloads(app: App, size: number): App {
  for (const plan of planPlatform(size)) {
    const chart = new Chart(app, plan.name);
    const namespace = new HardenedNamespace(chart, plan.name);
    const workloads = plan.workloads.map((name) => {
      const workload = new HardenedDeployment(namespace, name, {
        containers: [
          {
            image: IMAGE,
            portNumber: PORT,
            writablePaths: ['/tmp'],
            readiness: HealthCheck.httpGet('/ready', { port: PORT }),
            liveness: HealthCheck.httpGet('/healthz', { port: PORT }),
          },
        ],
      });
      new k8s.KubeService(workload, 'Service', {
        metadata: { name: workload.name, namespace: workload.namespace, labels: { ...workload.selectorLabels } },
        spec: {
          type: 'ClusterIP',
          selector: { ...workload.selectorLabels },
          ports: [{ name: 'http', port: PORT, targetPort: k8s.IntOrString.fromNumber(PORT), protocol: 'TCP' }],
        },
      });
      workload.allowFromIngressController({ port: PORT });
      return workload;
    });
    workloads.forEach((workload, i) => workload.allowFrom(workloads[callerOf(i, workloads.length)], { port: PORT }));
  }
  return app;
}
