import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  admissionConfiguration,
  auditPolicy,
  authenticationConfiguration,
  clusterConfiguration,
  ControlPlaneHardening,
  ControlPlaneHardeningOptions,
  kubeletConfiguration,
} from '../../lib/cluster';
import { auditFlags } from '../../lib/cluster/audit-policy';
import { controlPlaneFiles } from '../../lib/cluster/control-plane-hardening';
import { HardenedApp } from '../../lib/app/hardened-app';
import { ReviewFailedError } from '../../lib/app/review-gate';
import { review } from '../../lib/review/engine';
import { removeTempDirs, tempDir } from '../support';
import { parseManifests } from '../../lib/review/load';
import { KubeObject } from '../../lib/review/model';
import { AuditRequest, auditLevelFor, HIGH_RISK_REQUESTS, SENSITIVE_RESOURCES } from '../../lib/review/rules/cluster/audit-policy';
import { CLUSTER_SETTINGS, CONTROL_PLANE_SETTINGS, KUBELET_SETTINGS, meetsSetting } from '../../lib/policy/cis-benchmark';
import { componentFlags, fieldAt } from '../../lib/review/rules/cluster/kubeadm';

afterAll(removeTempDirs);

const TODAY = '2026-11-23';

/** The files as objects, parsed back from their YAML, with their file names. */
function parsedFiles(options: ControlPlaneHardeningOptions = {}) {
  return controlPlaneFiles(options)
    .filter((f) => f.name.endsWith('.yaml'))
    .flatMap((f) => parseManifests(f.content, f.name));
}
const objectOf = (kind: string, options: ControlPlaneHardeningOptions = {}) =>
  parsedFiles(options).find((m) => m.object.kind === kind)!.object as KubeObject;

describe('controlPlaneFiles', () => {
  test('writes the kubeadm, kubelet, audit, admission, authentication and encryption configurations and a README', () => {
    expect(controlPlaneFiles().map((f) => f.name)).toEqual([
      'README.md',
      'admission-configuration.yaml',
      'audit-policy.yaml',
      'authentication-configuration.yaml',
      'encryption-configuration.yaml',
      'kubeadm-config.yaml',
    ]);
    expect(parsedFiles().map((m) => `${m.object.apiVersion} ${m.object.kind}`)).toEqual([
      'apiserver.config.k8s.io/v1 AdmissionConfiguration',
      'audit.k8s.io/v1 Policy',
      'apiserver.config.k8s.io/v1beta1 AuthenticationConfiguration',
      'apiserver.config.k8s.io/v1 EncryptionConfiguration',
      'kubeadm.k8s.io/v1beta4 ClusterConfiguration',
      'kubelet.config.k8s.io/v1beta1 KubeletConfiguration',
    ]);
  });

  test('pass the cluster pack (and every other pack) with no finding, a webhook backend included', () => {
    const options = {
      audit: {
        webhook: {
          server: 'https://audit.example.com/k8s',
          certificateAuthority: '/etc/kubernetes/pki/audit-ca.crt',
          clientCertificate: { certificate: '/etc/kubernetes/pki/audit-client.crt', key: '/etc/kubernetes/pki/audit-client.key' },
        },
      },
    };
    const result = review(parsedFiles(options), { today: TODAY });
    expect(result.findings).toEqual([]);
    expect(result.counts.objects).toBe(7);
  });

  test('are deterministic', () => {
    expect(controlPlaneFiles()).toEqual(controlPlaneFiles());
  });

  test('pin every documented default', () => {
    const cluster = objectOf('ClusterConfiguration');
    expect(cluster).toMatchObject({ kubernetesVersion: 'v1.34.1', clusterName: 'kubernetes' });
    expect(cluster).not.toHaveProperty('controlPlaneEndpoint');
    const flags = componentFlags(cluster, 'kube-apiserver');
    expect(['audit-log-path', 'audit-log-maxage', 'audit-log-maxbackup', 'audit-log-maxsize'].map((f) => flags.get(f)?.value)).toEqual([
      '/var/log/kubernetes/audit/audit.log',
      '30',
      '10',
      '100',
    ]);
    expect(flags.has('audit-webhook-config-file')).toBe(false);
    expect((objectOf('AdmissionConfiguration') as any).plugins[0].configuration.exemptions).toEqual({
      namespaces: ['kube-system'],
      usernames: [],
      runtimeClasses: [],
    });
    expect((objectOf('AuthenticationConfiguration') as any).anonymous.conditions.map((c: any) => c.path)).toContain(
      '/api/v1/namespaces/kube-public/configmaps/cluster-info',
    );
    expect((objectOf('EncryptionConfiguration') as any).resources[0].providers[0]).toEqual({
      kms: { apiVersion: 'v2', name: 'kms-v2', endpoint: 'unix:///var/run/kmsplugin/socket.sock', timeout: '3s' },
    });
  });
});

describe('the CIS settings, each proven on the generated configuration', () => {
  const cluster = clusterConfiguration();
  const kubelet = kubeletConfiguration();

  test.each(CONTROL_PLANE_SETTINGS.map((row) => [row.cis, row.component, row.setting, row] as const))(
    '%s %s --%s',
    (_cis, component, setting, row) => {
      expect(
        meetsSetting(row, componentFlags(cluster as KubeObject, component as Exclude<typeof component, 'kubelet'>).get(setting)?.value),
      ).toBe(true);
    },
  );

  test.each(KUBELET_SETTINGS.map((row) => [row.cis, row.setting, row] as const))('%s kubelet %s', (_cis, setting, row) => {
    expect(meetsSetting(row, fieldAt(kubelet, setting))).toBe(true);
  });

  test('the values that matter most, spelled out', () => {
    const flags = Object.fromEntries(
      [...componentFlags(cluster as KubeObject, 'kube-apiserver')].filter(([, f]) => f.path).map(([n, f]) => [n, f.value]),
    );
    expect(flags).toMatchObject({
      profiling: 'false',
      'authorization-mode': 'Node,RBAC',
      'enable-admission-plugins': 'DenyServiceExternalIPs,EventRateLimit,AlwaysPullImages,NodeRestriction',
      'tls-min-version': 'VersionTLS12',
      'service-account-lookup': 'true',
      'service-account-key-file': '/etc/kubernetes/pki/sa.pub',
      'etcd-cafile': '/etc/kubernetes/pki/etcd/ca.crt',
      'etcd-certfile': '/etc/kubernetes/pki/apiserver-etcd-client.crt',
      'etcd-keyfile': '/etc/kubernetes/pki/apiserver-etcd-client.key',
      'audit-policy-file': '/etc/kubernetes/hardening/audit-policy.yaml',
      'encryption-provider-config': '/etc/kubernetes/hardening/encryption-configuration.yaml',
      'authentication-config': '/etc/kubernetes/hardening/authentication-configuration.yaml',
    });
    expect(flags).not.toHaveProperty('anonymous-auth');
    expect(flags).not.toHaveProperty('token-auth-file');
    expect(kubelet).toMatchObject({
      authentication: { anonymous: { enabled: false }, webhook: { enabled: true } },
      authorization: { mode: 'Webhook' },
      readOnlyPort: 0,
      rotateCertificates: true,
      serverTLSBootstrap: true,
      protectKernelDefaults: true,
      seccompDefault: true,
      tlsMinVersion: 'VersionTLS12',
    });
  });

  test('every row has a CIS id or says where it comes from, and a reason', () => {
    for (const row of CLUSTER_SETTINGS) {
      expect(row.cis).toMatch(/^(\d+(\.\d+)+|-)$/);
      expect(row.why).toMatch(/\.$/);
    }
  });

  test('mounts the hardening folder read-only and the audit log folder and KMS socket writable', () => {
    expect((objectOf('ClusterConfiguration') as any).apiServer.extraVolumes).toEqual([
      {
        name: 'hardening',
        hostPath: '/etc/kubernetes/hardening',
        mountPath: '/etc/kubernetes/hardening',
        readOnly: true,
        pathType: 'Directory',
      },
      {
        name: 'audit-log',
        hostPath: '/var/log/kubernetes/audit',
        mountPath: '/var/log/kubernetes/audit',
        readOnly: false,
        pathType: 'DirectoryOrCreate',
      },
      {
        name: 'kms-plugin',
        hostPath: '/var/run/kmsplugin',
        mountPath: '/var/run/kmsplugin',
        readOnly: false,
        pathType: 'DirectoryOrCreate',
      },
    ]);
  });

  test.each([['v1.33.5'], ['1.34.1'], ['v1.34'], ['latest']])('fails when kubernetesVersion is %s', (version) => {
    expect(() => clusterConfiguration({ kubernetesVersion: version })).toThrow(
      `[clusterConfiguration] 'kubernetesVersion' must be a pinned version v1.34.x or later (got '${version}')`,
    );
  });
});

describe('the audit policy', () => {
  const policy = auditPolicy() as KubeObject;
  const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
  const USERS: Pick<AuditRequest, 'user' | 'groups'>[] = [
    { user: 'alice', groups: ['system:authenticated'] },
    { user: 'system:kube-controller-manager', groups: ['system:authenticated'] },
    { user: 'system:node:worker-1', groups: ['system:nodes', 'system:authenticated'] },
    { user: 'system:serviceaccount:kube-system:default', groups: ['system:serviceaccounts'] },
    { user: 'admin', groups: ['system:masters'] },
  ];

  test.each(SENSITIVE_RESOURCES.map((r) => [r.label, r] as const))(
    'logs %s at Metadata for every user and verb, never with the body',
    (_label, resource) => {
      for (const who of USERS) {
        for (const verb of VERBS) {
          for (const namespace of ['shop', 'kube-system', undefined]) {
            const { level } = auditLevelFor(policy, {
              ...who,
              verb,
              namespace,
              group: resource.group,
              resource: resource.resource,
              subresource: resource.subresource,
            });
            expect([resource.label, who.user, verb, namespace, level]).toEqual([resource.label, who.user, verb, namespace, 'Metadata']);
          }
        }
      }
    },
  );

  test.each(HIGH_RISK_REQUESTS.map((r) => [r.label, r] as const))('logs %s at RequestResponse', (_label, request) => {
    expect(auditLevelFor(policy, request).level).toBe('RequestResponse');
  });

  test('logs Deployment changes with their request, pod reads and everything else as metadata, kubelet heartbeats and events not at all', () => {
    const someone = { user: 'alice', groups: ['system:authenticated'] };
    expect(auditLevelFor(policy, { ...someone, verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'shop' }).level).toBe(
      'Request',
    );
    expect(auditLevelFor(policy, { ...someone, verb: 'get', group: '', resource: 'pods', namespace: 'shop' }).level).toBe('Metadata');
    expect(auditLevelFor(policy, { ...someone, verb: 'create', group: 'example.com', resource: 'widgets', namespace: 'shop' }).level).toBe(
      'Metadata',
    );
    expect(
      auditLevelFor(policy, {
        user: 'system:node:w1',
        groups: ['system:nodes'],
        verb: 'update',
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'kube-node-lease',
      }).level,
    ).toBe('None');
    expect(auditLevelFor(policy, { ...someone, verb: 'create', group: '', resource: 'events', namespace: 'shop' }).level).toBe('None');
  });

  test('does not log health checks, and omits the RequestReceived stage', () => {
    expect((policy as any).rules[0]).toEqual({
      level: 'None',
      nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version', '/metrics'],
    });
    expect(policy.omitStages).toEqual(['RequestReceived']);
  });

  test('says why in a comment on each rule', () => {
    const text = controlPlaneFiles().find((f) => f.name === 'audit-policy.yaml')!.content;
    expect(text).toContain('  - level: Metadata # Secrets, ConfigMaps and tokens: who and when, never the values (CIS 3.2.2).');
  });

  test('keeps the log per CIS and ships it to an https webhook in batches', () => {
    expect(
      auditFlags({
        log: { path: '/var/log/audit/k8s.log', maxAgeDays: 90, maxBackups: 20, maxSizeMegabytes: 200 },
        webhook: { server: 'https://audit.example.com', certificateAuthority: '/etc/kubernetes/pki/audit-ca.crt' },
      }),
    ).toEqual([
      ['audit-policy-file', '/etc/kubernetes/hardening/audit-policy.yaml'],
      ['audit-log-path', '/var/log/audit/k8s.log'],
      ['audit-log-maxage', '90'],
      ['audit-log-maxbackup', '20'],
      ['audit-log-maxsize', '200'],
      ['audit-webhook-config-file', '/etc/kubernetes/hardening/audit-webhook.kubeconfig.yaml'],
      ['audit-webhook-mode', 'batch'],
    ]);
    const files = controlPlaneFiles({
      audit: { webhook: { server: 'https://audit.example.com', certificateAuthority: '/etc/kubernetes/pki/audit-ca.crt' } },
    });
    const kubeconfig = YAML.parse(files.find((f) => f.name === 'audit-webhook.kubeconfig.yaml')!.content);
    expect(kubeconfig.clusters[0].cluster).toEqual({
      server: 'https://audit.example.com',
      'certificate-authority': '/etc/kubernetes/pki/audit-ca.crt',
    });
  });

  test.each([
    [{ log: { maxAgeDays: 7 } }, "'audit.log.maxAgeDays' must be a whole number of at least 30 (CIS; got 7)"],
    [{ log: { maxBackups: 1.5 } }, "'audit.log.maxBackups' must be a whole number of at least 10"],
    [{ log: { path: 'audit.log' } }, "'audit.log.path' must be an absolute file path"],
    [
      { webhook: { server: 'http://audit.example.com', certificateAuthority: '/ca.crt' } },
      "'audit.webhook.server' must be an https:// URL without credentials (got 'http://audit.example.com')",
    ],
    [{ webhook: { server: 'https://user:pw@audit.example.com', certificateAuthority: '/ca.crt' } }, 'without credentials'],
    [
      { webhook: { server: 'https://audit.example.com', certificateAuthority: '-----BEGIN CERTIFICATE-----\nMIIB' } },
      "'audit.webhook.certificateAuthority' must be an absolute path",
    ],
  ])('fails when audit is %j', (audit, message) => {
    expect(() => controlPlaneFiles({ audit })).toThrow(message);
  });
});

describe('admission, authentication and encryption', () => {
  test('exempt named system namespaces only, each with its reason next to it', () => {
    const options = {
      podSecurityExemptions: [
        { namespace: 'kube-system', reason: 'kube-proxy and the CNI need host networking' },
        { namespace: 'calico-system', reason: 'Calico node agents program the host network' },
      ],
    };
    expect((admissionConfiguration(options) as any).plugins[0].configuration.exemptions.namespaces).toEqual([
      'kube-system',
      'calico-system',
    ]);
    const text = controlPlaneFiles(options).find((f) => f.name === 'admission-configuration.yaml')!.content;
    expect(text).toContain('- calico-system # Calico node agents program the host network');
  });

  test.each([
    [
      [{ namespace: 'shop', reason: 'needs host networking for reasons' }],
      "[admissionConfiguration] 'podSecurityExemptions[0].namespace' must be a system namespace (kube-system, kube-*, *-system; got 'shop')",
    ],
    [
      [{ namespace: 'kube-system', reason: 'needed' }],
      "'podSecurityExemptions[0].reason' must say why 'kube-system' needs more than restricted, in at least 10 visible characters",
    ],
    [
      [
        { namespace: 'kube-system', reason: 'kube-proxy needs it' },
        { namespace: 'kube-system', reason: 'kube-proxy needs it' },
      ],
      "'podSecurityExemptions[1].namespace' 'kube-system' is listed twice",
    ],
  ])('fails when the exemptions are %j', (podSecurityExemptions, message) => {
    expect(() => admissionConfiguration({ podSecurityExemptions })).toThrow(message);
  });

  test('anonymous access: health endpoints, and the join discovery ConfigMap unless turned off', () => {
    expect((authenticationConfiguration({ anonymousJoinDiscovery: false }) as any).anonymous).toEqual({
      enabled: true,
      conditions: [{ path: '/livez' }, { path: '/readyz' }, { path: '/healthz' }],
    });
  });

  test('encrypts Secrets with KMS v2 and refuses a local key, which would land in dist/', () => {
    const encryption = objectOf('EncryptionConfiguration', {
      encryption: { kms: { name: 'aws-kms', endpoint: 'unix:///run/kms/aws.sock' }, encryptConfigMaps: true, readUnencrypted: false },
    }) as any;
    expect(encryption.resources).toEqual([
      {
        resources: ['secrets', 'configmaps'],
        providers: [{ kms: { apiVersion: 'v2', name: 'aws-kms', endpoint: 'unix:///run/kms/aws.sock', timeout: '3s' } }],
      },
    ]);
    expect(() => controlPlaneFiles({ encryption: { localKey: { keys: [] } } })).toThrow(
      "[controlPlaneFiles] 'encryption.localKey' would put the key into the published output.",
    );
  });
});

describe('ControlPlaneHardening in a HardenedApp', () => {
  const workdir = () => tempDir('control-plane-');
  const tree = (dir: string) =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as any).path, e.name)))
      .sort();

  test('writes dist/control-plane/, reviewed with the manifests, and the CIS table into REVIEW.md', () => {
    const outdir = path.join(workdir(), 'dist');
    const app = new HardenedApp({ outdir, reviewDate: TODAY });
    new Chart(app, 'empty');
    const hardening = new ControlPlaneHardening(app, 'control-plane');
    app.synth();
    expect(hardening.files).toEqual(controlPlaneFiles().map((f) => `control-plane/${f.name}`));
    expect(tree(outdir)).toEqual(
      [
        '.cdk8s-hardened',
        'REVIEW.md',
        'cluster-settings.json',
        ...controlPlaneFiles()
          .map((f) => path.join('control-plane', f.name))
          .sort(),
        'empty.k8s.yaml',
        'permissions.json',
        'reachability.json',
        'review.json',
        'review.sarif',
      ].sort(),
    );
    for (const file of controlPlaneFiles())
      expect(fs.readFileSync(path.join(outdir, 'control-plane', file.name), 'utf8')).toBe(file.content);
    const reviewJson = JSON.parse(fs.readFileSync(path.join(outdir, 'review.json'), 'utf8'));
    expect(reviewJson.counts.objects).toBe(6);
    expect(reviewJson.counts.byPack.cluster).toEqual({ error: 0, warning: 0, info: 0 });
    const markdown = fs.readFileSync(path.join(outdir, 'REVIEW.md'), 'utf8');
    expect(markdown).toContain('## Cluster settings (CIS Kubernetes Benchmark v1.12)');
    expect(markdown).toContain('| 1.2.15 | kube-apiserver | `--profiling` | false | false | yes |');
    const settings = JSON.parse(fs.readFileSync(path.join(outdir, 'cluster-settings.json'), 'utf8'));
    expect(settings.settings.length).toBe(CLUSTER_SETTINGS.length);
    expect(settings.settings.every((s: any) => s.meets)).toBe(true);
  });

  test('a hand-edited configuration fails synth, named by file and line, and leaves dist/ as it was', () => {
    const outdir = path.join(workdir(), 'dist');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, '.cdk8s-hardened'), '');
    fs.writeFileSync(path.join(outdir, 'previous.k8s.yaml'), 'kept');
    const app = new HardenedApp({ outdir, reviewDate: TODAY });
    const kubelet = kubeletConfiguration() as any;
    kubelet.readOnlyPort = 10255;
    app.addFile('control-plane/kubelet.yaml', YAML.stringify(kubelet));
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReviewFailedError);
    expect((error as Error).message).toContain(
      '[control-plane/kubelet.yaml:1] cluster-kubelet-settings at readOnlyPort: the kubelet sets readOnlyPort: 10255; it should be 0 (CIS 4.2.4)',
    );
    expect(tree(outdir)).toEqual(['.cdk8s-hardened', 'previous.k8s.yaml']);
  });

  test('fails when created outside a HardenedApp', () => {
    expect(() => new ControlPlaneHardening(Testing.app(), 'control-plane')).toThrow('[control-plane] must be created inside a HardenedApp');
  });

  test('errors of its options name its construct path', () => {
    const app = new HardenedApp({ outdir: path.join(workdir(), 'dist') });
    expect(() => new ControlPlaneHardening(app, 'cp', { kubernetesVersion: 'v1.30.0' })).toThrow(
      "[cp] 'kubernetesVersion' must be a pinned version",
    );
  });
});

describe('HardenedApp.addFile', () => {
  const app = () => new HardenedApp({ outdir: path.join(tempDir('add-file-'), 'dist') });

  test.each([['/etc/passwd'], ['../outside.yaml'], ['a/../b.yaml'], ['a//b.yaml'], ['a\\b.yaml'], ['./a.yaml']])(
    'fails on the path %s',
    (relative) => {
      expect(() => app().addFile(relative, 'x')).toThrow(
        `[<root>] addFile: '${relative}' must be a relative path inside the output folder`,
      );
    },
  );

  test('fails on a path given twice or a report name', () => {
    const a = app();
    a.addFile('notes/a.yaml', 'x');
    expect(() => a.addFile('notes/a.yaml', 'y')).toThrow("addFile: 'notes/a.yaml' is already written by this app");
    expect(() => a.addFile('review.json', 'y')).toThrow("addFile: 'review.json' is already written by this app");
  });

  test('fails at synth when a chart wrote the same file', () => {
    const a = app();
    new Chart(a, 'web');
    a.addFile('web.k8s.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    expect(() => a.synth()).toThrow("addFile: 'web.k8s.yaml' would replace a file the charts wrote");
  });

  test.each([['docs/notes.md'], ['config.jsonnet'], ['a.YAML'], ['a.Yml'], ['a.yml.bak'], ['a.json~'], ['kustomization']])(
    'fails on %s, a file the review would not read',
    (relative) => {
      expect(() => app().addFile(relative, 'apiVersion: v1\nkind: ConfigMap\n')).toThrow(
        `[<root>] addFile: '${relative}' cannot be reviewed, so it is not published: only .yaml, .yml and .json files are (lower case, the names kubectl reads from a folder). Give it one of those extensions, or keep it out of the output folder.`,
      );
    },
  );

  test('reviews every file it publishes, .yml and .json included', () => {
    const hostNetwork = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { hostNetwork: true, containers: [] },
    };
    for (const name of ['extra/pod.yml', 'extra/pod.json']) {
      const a = app();
      a.addFile(name, JSON.stringify(hostNetwork));
      expect(() => a.synth()).toThrow(new RegExp(`\\[${name.replace('.', '\\.')}:1\\] no-host-namespaces at spec\\.hostNetwork`));
      expect(fs.existsSync(a.publishDir)).toBe(false);
    }
  });
});
