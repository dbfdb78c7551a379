import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IMAGE, planPlatform, PORT } from './workloads';

/**
 * The baseline: the same workloads written with plain cdk8s-plus-27 Deployments and Services,
 * one chart per namespace, in a plain cdk8s `App`. No hardening, no traffic rules, no review.
 */
export function baselinePlatform(size: number, outdir: string): App {
  const app = new App({ outdir });
  for (const plan of planPlatform(size)) {
    const chart = new Chart(app, plan.name, { namespace: plan.name });
    for (const name of plan.workloads) {
      const deployment = new kplus.Deployment(chart, name, {
        metadata: { name },
        containers: [
          {
            image: IMAGE,
            portNumber: PORT,
            readiness: kplus.Probe.fromHttpGet('/ready', { port: PORT }),
            liveness: kplus.Probe.fromHttpGet('/healthz', { port: PORT }),
          },
        ],
      });
      new kplus.Service(chart, `${name}-service`, {
        metadata: { name },
        selector: deployment,
        ports: [{ name: 'http', port: PORT, targetPort: PORT }],
      });
    }
  }
  return app;
}
