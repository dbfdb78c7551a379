import { Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HardenedApp, HardenedCronJob, HardenedDeployment, WorkloadSize } from '../lib';

/**
 * The reference platform that `npx cdk8s synth` builds into `dist/`. It grows with each
 * capability of the library (namespaces, traffic rules, RBAC, secrets, templates).
 */
export class ShopChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'shop' });

    new HardenedDeployment(this, 'storefront', {
      containers: [{
        image: 'ghcr.io/example/storefront:1.8.2@sha256:4b2c1a3f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b',
        portNumber: 8080,
        size: WorkloadSize.MEDIUM,
        writablePaths: ['/tmp'],
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      }],
    });

    new HardenedCronJob(this, 'nightly-report', {
      schedule: Cron.schedule({ minute: '0', hour: '3' }),
      containers: [{
        image: 'ghcr.io/example/reporter:2.1.0@sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
        args: ['--since=24h'],
      }],
    });
  }
}

const app = new HardenedApp();
new ShopChart(app, 'shop');
app.synth();
