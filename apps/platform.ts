import { Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HardenedCronJob, HardenedDeployment, HardenedNamespace, WorkloadSize } from '../lib';

const probes = (port: number) => ({
  readiness: kplus.Probe.fromHttpGet('/ready', { port }),
  liveness: kplus.Probe.fromHttpGet('/healthz', { port }),
});

/**
 * The reference platform that `npx cdk8s synth` builds into `dist/`. It grows with each
 * capability of the library (RBAC, secrets, templates).
 */
export class ShopChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const shop = new HardenedNamespace(this, 'shop');

    const storefront = new HardenedDeployment(shop, 'storefront', {
      containers: [{
        image: 'ghcr.io/example/storefront:1.8.2@sha256:4b2c1a3f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b',
        portNumber: 8080,
        size: WorkloadSize.MEDIUM,
        writablePaths: ['/tmp'],
        ...probes(8080),
      }],
    });
    storefront.allowFromIngressController({ port: 8080 });

    const api = new HardenedDeployment(shop, 'api', {
      containers: [{
        image: 'ghcr.io/example/shop-api:3.4.0@sha256:0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e',
        portNumber: 9000,
        ...probes(9000),
      }],
    });
    api.allowFrom(storefront, { port: 9000 });
    // The payment provider's API, outside the cluster.
    api.allowEgressTo({ cidr: '203.0.113.0/24', port: 443 });

    new HardenedCronJob(shop, 'nightly-report', {
      schedule: Cron.schedule({ minute: '0', hour: '3' }),
      containers: [{
        image: 'ghcr.io/example/reporter:2.1.0@sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
        args: ['--since=24h'],
      }],
    });
  }
}
