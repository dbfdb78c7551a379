import * as fs from 'node:fs';
import * as path from 'node:path';
import * as library from '../lib';
import * as templates from '../templates';

/**
 * The public API is a list someone decided on: the runtime exports of the package's entry points
 * (`cdk8s-hardened`, `cdk8s-hardened/templates`) are compared with the lists below, grouped as in
 * lib/index.ts. Adding or removing a public name means editing this file, in the same change.
 * (Type-only exports leave no runtime trace; typedoc's warnings and test/workload/public-api.test.ts
 * cover the types.)
 */
const LIBRARY_EXPORTS = {
  workloads: [
    'HardenedWorkload',
    'HardenedDeployment',
    'HardenedStatefulSet',
    'HardenedDaemonSet',
    'HardenedJob',
    'HardenedCronJob',
    'WorkloadSize',
    'Cpu',
    'HealthCheck',
    'HttpScheme',
    'LifecycleHook',
    'EnvValue',
    'PodField',
    'EnvFrom',
    'PodVolume',
    'ImagePullPolicy',
    'ConcurrencyPolicy',
  ],
  namespacesAndTraffic: ['HardenedNamespace', 'PodSecurityLevel', 'NetworkProtocol'],
  rbac: ['AccessProfile', 'NamespaceAccess', 'ClusterGrant', 'RbacSubject'],
  secrets: [
    'SecretValue',
    'SealedSecret',
    'SealingCertificate',
    'SealingCache',
    'SealingScope',
    'ExternalSecret',
    'SecretStoreKind',
    'encryptionConfiguration',
    'LocalEncryption',
    'writeEncryptionConfiguration',
  ],
  cluster: [
    'ControlPlaneHardening',
    'admissionConfiguration',
    'auditPolicy',
    'authenticationConfiguration',
    'clusterConfiguration',
    'kubeletConfiguration',
  ],
  monitoring: ['SecurityAlerts', 'NetworkPolicyDropSource', 'AuditLogShipper'],
  review: ['review', 'reviewJson', 'reviewMarkdown', 'reviewSarif'],
  app: ['HardenedApp', 'PublishLayout', 'HardeningError', 'ExceptionsFileError', 'PlatformContractError'],
  addOns: ['ArgoCd', 'CertManager', 'ExternalSecretsOperator', 'IngressNginx', 'SealedSecretsController'],
};
const TEMPLATE_EXPORTS = ['WebService', 'Worker', 'ScheduledJob', 'StatefulStore', 'Tenant', 'TenantApplication'];

const sorted = (names: readonly string[]) => [...names].sort();
const ROOT = path.resolve(__dirname, '..');
/** The entry points and the indexes they re-export from. */
const INDEX_FILES = [
  'lib/index.ts',
  'lib/review/index.ts',
  'lib/cluster/index.ts',
  'lib/addons/index.ts',
  'lib/monitoring/index.ts',
  'templates/index.ts',
];

describe('the public API', () => {
  test('cdk8s-hardened exports exactly the listed names', () => {
    expect(sorted(Object.keys(library))).toEqual(sorted(Object.values(LIBRARY_EXPORTS).flat()));
  });

  test('cdk8s-hardened/templates exports exactly the listed names', () => {
    expect(sorted(Object.keys(templates))).toEqual(sorted(TEMPLATE_EXPORTS));
  });

  test('no exported name is marked internal by a leading underscore', () => {
    expect([...Object.keys(library), ...Object.keys(templates)].filter((name) => name.startsWith('_'))).toEqual([]);
  });

  test('each name is listed in one group only', () => {
    const all = Object.values(LIBRARY_EXPORTS).flat();
    expect(all.filter((name, index) => all.indexOf(name) !== index)).toEqual([]);
  });

  test.each(INDEX_FILES)('%s names what it exports (no export *, which would publish every internal of a module)', (file) => {
    const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
    expect(source.split('\n').filter((line) => /^\s*export\s+\*/.test(line))).toEqual([]);
  });
});
