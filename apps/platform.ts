import * as path from 'node:path';
import { Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  AccessProfile, ExternalSecret, HardenedCronJob, HardenedDeployment, HardenedNamespace, NamespaceAccess, RbacSubject,
  SealedSecret, SealingCertificate, SecretStoreKind, SecretValue, WorkloadSize,
} from '../lib';

const probes = (port: number) => ({
  readiness: kplus.Probe.fromHttpGet('/ready', { port }),
  liveness: kplus.Probe.fromHttpGet('/healthz', { port }),
});

/**
 * The public certificate of the Sealed Secrets controller. This demo certificate's private
 * key was discarded; point it at your controller's (`kubeseal --fetch-cert`).
 */
const SEALING_CERTIFICATE = SealingCertificate.fromFile(path.join(__dirname, 'sealed-secrets-cert.pem'));

/**
 * The reference platform that `npx cdk8s synth` builds into `dist/`. It grows with each
 * capability of the library (templates and tenants next).
 */
export class ShopChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const shop = new HardenedNamespace(this, 'shop');

    // People: three profiles bound to the identity provider's groups, never to users.
    new NamespaceAccess(shop, 'viewers', { profile: AccessProfile.VIEWER, subjects: [RbacSubject.group('oidc:shop-support')] });
    new NamespaceAccess(shop, 'developers', { profile: AccessProfile.DEVELOPER, subjects: [RbacSubject.group('oidc:shop-developers')] });
    new NamespaceAccess(shop, 'admins', { profile: AccessProfile.ADMIN, subjects: [RbacSubject.group('oidc:shop-admins')] });

    // Secrets: one sealed into Git, one fetched from the cloud secret manager.
    const database = new SealedSecret(shop, 'database-credentials', {
      certificate: SEALING_CERTIFICATE,
      // Created with a random value on the first synth (secrets/ is ignored by git).
      values: { password: SecretValue.generatedInFile('secrets/shop/database-password') },
    });
    const payments = new ExternalSecret(shop, 'payment-provider', {
      storeRef: { name: 'cloud-secrets', kind: SecretStoreKind.CLUSTER_SECRET_STORE },
      data: [{ secretKey: 'api-key', remoteRef: { key: 'shop/payment-provider', property: 'api-key' } }],
    });

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
        secretMounts: [
          { secretName: database.name, path: '/var/run/secrets/database' },
          { secretName: payments.targetName, path: '/var/run/secrets/payments' },
        ],
        ...probes(9000),
      }],
    });
    api.allowFrom(storefront, { port: 9000 });
    // The payment provider's API, outside the cluster.
    api.allowEgressTo({ cidr: '203.0.113.0/24', port: 443 });
    // The API reads its feature flags from one ConfigMap, and nothing else of the cluster.
    api.grant({ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'watch'], resourceNames: ['feature-flags'] });

    new HardenedCronJob(shop, 'nightly-report', {
      schedule: Cron.schedule({ minute: '0', hour: '3' }),
      containers: [{
        image: 'ghcr.io/example/reporter:2.1.0@sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
        args: ['--since=24h'],
        secretMounts: [{ secretName: database.name, path: '/var/run/secrets/database' }],
      }],
    });
  }
}
