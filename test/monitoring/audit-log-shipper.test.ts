/**
 * AuditLogShipper as a construct: what it deploys, the departures it keeps (each an exception
 * the review applies), its traffic, and its errors. That the collector reads its configuration
 * and ships the log is proven by test/monitoring/audit-log-shipper-run.test.ts (the real collector).
 */
import { Chart, Size, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { createHash } from 'node:crypto';
import { AuditLogShipper, AuditLogShipperProps, AuditLogSink, HardenedNamespace, review } from '../../lib';

const IMAGE = `ghcr.io/example/otelcol-k8s:0.165.0@sha256:${'a'.repeat(64)}`;
const SINK: AuditLogSink = { logsEndpoint: 'https://loki.example.com/otlp/v1/logs', cidrs: ['10.0.48.0/28'] };

function build(props: Partial<AuditLogShipperProps> = {}) {
  const chart = new Chart(Testing.app(), 'platform');
  const shipper = new AuditLogShipper(chart, 'audit', { image: IMAGE, sink: SINK, ...props });
  return { shipper, objects: Testing.synth(chart) };
}
const find = (objects: any[], kind: string, name?: string) => objects.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
const errorOf = (props: Partial<AuditLogShipperProps>) => {
  try {
    build(props);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('what it deploys', () => {
  const { shipper, objects } = build();
  const [daemonSet] = find(objects, 'DaemonSet');
  const pod = daemonSet.spec.template.spec;
  const container = pod.containers[0];

  test('a namespace of its own, enforcing privileged with a reason, auditing and warning at restricted', () => {
    const [namespace] = find(objects, 'Namespace');
    expect(namespace.metadata.name).toBe('audit-log-shipping');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/audit']).toBe('restricted');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(namespace.metadata.annotations['exception.hardened.cdk8s.io/namespace-pod-security']).toMatch(
      /audit log folder \(hostPath, read-only\)/,
    );
    expect(new Set(objects.map((o) => o.metadata.namespace).filter(Boolean))).toEqual(new Set(['audit-log-shipping']));
  });

  test('on the control-plane nodes only: their label selected, their NoSchedule taint tolerated', () => {
    // The label whatever its value: kubeadm's is empty, RKE2's and k3s' 'true'.
    expect(pod.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] }],
        },
      },
    });
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test("the node's audit folder mounted read-only, nothing else of the node", () => {
    const hostPaths = pod.volumes.filter((v: any) => v.hostPath);
    expect(hostPaths).toEqual([{ name: 'audit-log', hostPath: { path: '/var/log/kubernetes/audit', type: 'Directory' } }]);
    expect(container.volumeMounts.find((m: any) => m.name === 'audit-log')).toEqual({
      name: 'audit-log',
      mountPath: '/var/log/kubernetes/audit',
      readOnly: true,
    });
  });

  test('root with every capability dropped, read-only root filesystem, no escalation, seccomp, no token, no RBAC', () => {
    expect(container.securityContext).toMatchObject({
      runAsUser: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork ?? false).toBe(false);
    expect(objects.filter((o) => /Role|RoleBinding/.test(o.kind))).toEqual([]);
    expect(container.image).toBe(IMAGE);
  });

  test('each departure is an exception with its reason, on the DaemonSet', () => {
    const annotations = daemonSet.metadata.annotations;
    expect(
      Object.keys(annotations)
        .filter((k) => k.startsWith('exception.hardened.cdk8s.io/'))
        .sort(),
    ).toEqual([
      'exception.hardened.cdk8s.io/high-user-group-ids',
      'exception.hardened.cdk8s.io/no-host-path',
      'exception.hardened.cdk8s.io/no-root-user',
      'exception.hardened.cdk8s.io/restricted-volume-types',
      'exception.hardened.cdk8s.io/run-as-non-root',
    ]);
    // Scoped to the one folder: another hostPath would still be a finding.
    expect(annotations['exception.hardened.cdk8s.io/no-host-path']).toMatch(/accepts \/var\/log\/kubernetes\/audit\)$/);
  });

  test('the review finds nothing beyond those exceptions; without them it finds each departure', () => {
    const targets = objects.map((object, i) => ({ object, origin: `object ${i}` }));
    const trusted = review(targets, { trustAnnotations: true, today: '2026-12-04' });
    expect(trusted.findings.filter((f) => !f.exception && f.severity !== 'info').map((f) => `${f.ruleId} ${f.path}`)).toEqual([]);
    const stripped = objects.map((o) => JSON.parse(JSON.stringify(o, (k, v) => (k === 'annotations' ? undefined : v))));
    const untrusted = review(
      stripped.map((object, i) => ({ object, origin: `object ${i}` })),
      { today: '2026-12-04' },
    );
    expect(new Set(untrusted.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId))).toEqual(
      new Set([
        'high-user-group-ids',
        'namespace-pod-security',
        'no-host-path',
        'no-root-user',
        'restricted-volume-types',
        'run-as-non-root',
      ]),
    );
  });

  test('its exceptions accept the audit folder read-only: mounted writable (by a patch, or a second mount), the review refuses it', () => {
    const writable = (change: (pod: any) => void, packs?: string[]) => {
      const changed = JSON.parse(JSON.stringify(objects));
      change(find(changed, 'DaemonSet')[0].spec.template.spec);
      const result = review(
        changed.map((object: any, i: number) => ({ object, origin: `object ${i}` })),
        { trustAnnotations: true, today: '2026-12-04', ...(packs ? { packs } : {}) },
      );
      return result.findings.filter((f) => !f.exception && f.severity === 'error').map((f) => `${f.ruleId} ${f.value}`);
    };
    const expected = [
      'no-host-path /var/log/kubernetes/audit (writable)',
      'restricted-volume-types hostPath:/var/log/kubernetes/audit (writable)',
    ];
    expect(writable((pod) => (pod.containers[0].volumeMounts.find((m: any) => m.name === 'audit-log').readOnly = false))).toEqual(expected);
    expect(writable((pod) => delete pod.containers[0].volumeMounts.find((m: any) => m.name === 'audit-log').readOnly)).toEqual(expected);
    expect(writable((pod) => pod.containers[0].volumeMounts.push({ name: 'audit-log', mountPath: '/erase' }))).toEqual(expected);
    expect(writable(() => undefined)).toEqual([]);
    // With the restricted pack alone, restricted-volume-types judges hostPath volumes (it overrides no-host-path): the same holds.
    const erase = (pod: any) => pod.containers[0].volumeMounts.push({ name: 'audit-log', mountPath: '/erase' });
    expect(writable(erase, ['pss-restricted'])).toEqual(
      expect.arrayContaining(['restricted-volume-types hostPath:/var/log/kubernetes/audit (writable)']),
    );
    expect(writable(() => undefined, ['pss-restricted']).filter((f) => f.startsWith('restricted-volume-types'))).toEqual([]);
  });

  test('its traffic: out to DNS and to the sink on its port, nothing in', () => {
    const [traffic] = find(objects, 'NetworkPolicy', 'audit-log-shipper-traffic');
    // Nothing in: the namespace's default deny covers ingress, and no policy allows any.
    expect(find(objects, 'NetworkPolicy', 'default-deny')[0].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(find(objects, 'NetworkPolicy').filter((p) => p.spec.ingress)).toEqual([]);
    expect(traffic.spec.policyTypes).toEqual(['Egress']);
    expect(traffic.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.48.0/28' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
  });

  test('the collector reads the log and its recent rotations from their start, remembers its place on disk, waits when the queue is full, retries without end', () => {
    const config = YAML.parse(shipper.config);
    expect(config.receivers['filelog/audit']).toEqual({
      include: ['/var/log/kubernetes/audit/audit.log', '/var/log/kubernetes/audit/audit-*.log'],
      exclude_older_than: '3600s',
      start_at: 'beginning',
      storage: 'file_storage',
      retry_on_failure: { enabled: true, max_elapsed_time: 0 },
      resource: { 'service.name': 'kube-apiserver-audit', 'k8s.node.name': 'EXPR(env("NODE_NAME"))' },
      max_log_size: '8MiB',
    });
    expect(config.exporters['otlphttp/sink']).toMatchObject({
      logs_endpoint: 'https://loki.example.com/otlp/v1/logs',
      // Half of the 1 GiB buffer, in bytes.
      sending_queue: { enabled: true, storage: 'file_storage', sizer: 'bytes', queue_size: 512 * 1024 * 1024, block_on_overflow: true },
      retry_on_failure: { enabled: true, max_elapsed_time: 0 },
    });
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'GOMEMLIMIT', value: '400MiB' },
      ]),
    );
    expect(container.resources.limits.memory).toBe('512Mi');
    expect(config.extensions.file_storage.directory).toBe(
      container.volumeMounts.find((m: any) => m.mountPath === '/var/lib/otelcol').mountPath,
    );
    expect(config.service.telemetry).toEqual({ metrics: { level: 'none' } });
    expect(find(objects, 'ConfigMap')[0].data['config.yaml']).toBe(shipper.config);
  });
});

describe('props', () => {
  test("values are written so the collector expands nothing of them: '$' doubled, its own ${env:POD_IP} kept", () => {
    const { shipper } = build({ sink: { ...SINK, headers: { 'X-Scope-OrgID': 'team$a${env:HOSTNAME}${file:/etc/hostname}' } } });
    const config = YAML.parse(shipper.config);
    expect(config.exporters['otlphttp/sink'].headers).toEqual({ 'X-Scope-OrgID': 'team$$a$${env:HOSTNAME}$${file:/etc/hostname}' });
    expect(config.extensions.health_check.endpoint).toBe('${env:POD_IP}:13133');
  });

  test('a port in the endpoint is the port its NetworkPolicy opens; the CA and client certificate Secrets are mounted and named in the config', () => {
    const { shipper, objects } = build({
      sink: {
        ...SINK,
        logsEndpoint: 'https://10.0.48.5:3100/otlp/v1/logs',
        caSecret: 'loki-ca',
        clientCertificateSecret: 'loki-client',
        headers: { 'X-Scope-OrgID': 'platform' },
      },
      auditLogPath: '/var/log/apiserver/audit.log',
    });
    const [traffic] = find(objects, 'NetworkPolicy', 'audit-log-shipper-traffic');
    expect(traffic.spec.egress[0].ports).toEqual([{ port: 3100, protocol: 'TCP' }]);
    const config = YAML.parse(shipper.config);
    expect(config.exporters['otlphttp/sink'].tls).toEqual({
      ca_file: '/etc/otelcol/sink-ca/ca.crt',
      cert_file: '/etc/otelcol/sink-client/tls.crt',
      key_file: '/etc/otelcol/sink-client/tls.key',
      reload_interval: '1h',
    });
    expect(config.exporters['otlphttp/sink'].headers).toEqual({ 'X-Scope-OrgID': 'platform' });
    expect(config.receivers['filelog/audit'].include).toEqual(['/var/log/apiserver/audit.log', '/var/log/apiserver/audit-*.log']);
    const pod = find(objects, 'DaemonSet')[0].spec.template.spec;
    expect(pod.volumes.filter((v: any) => v.secret).map((v: any) => v.secret.secretName)).toEqual(['loki-ca', 'loki-client']);
    expect(pod.volumes.find((v: any) => v.hostPath).hostPath.path).toBe('/var/log/apiserver');
  });

  test('one Secret holding the CA and the client certificate (as cert-manager writes them) is mounted once and named twice', () => {
    const { shipper, objects } = build({ sink: { ...SINK, caSecret: 'loki-client', clientCertificateSecret: 'loki-client' } });
    const pod = find(objects, 'DaemonSet')[0].spec.template.spec;
    expect(pod.volumes.filter((v: any) => v.secret).map((v: any) => v.secret.secretName)).toEqual(['loki-client']);
    expect(YAML.parse(shipper.config).exporters['otlphttp/sink'].tls).toEqual({
      ca_file: '/etc/otelcol/sink-client/ca.crt',
      cert_file: '/etc/otelcol/sink-client/tls.crt',
      key_file: '/etc/otelcol/sink-client/tls.key',
      reload_interval: '1h',
    });
  });

  test("the pod's ephemeral-storage limit holds the whole buffer: the kubelet does not evict it before the queue is full", () => {
    const limitOf = (objects: any[]) => {
      const [container] = find(objects, 'DaemonSet')[0].spec.template.spec.containers;
      const buffer = find(objects, 'DaemonSet')[0].spec.template.spec.volumes.find((v: any) => v.emptyDir).emptyDir.sizeLimit;
      // Requested as well: the scheduler reserves the buffer on a node that also holds etcd's data.
      expect(container.resources.requests['ephemeral-storage']).toBe(container.resources.limits['ephemeral-storage']);
      return { limit: container.resources.limits['ephemeral-storage'], buffer };
    };
    expect(limitOf(build().objects)).toEqual({ limit: '1280Mi', buffer: '1024Mi' });
    expect(limitOf(build({ bufferSize: Size.gibibytes(4) }).objects)).toEqual({ limit: '4352Mi', buffer: '4096Mi' });
  });

  test("the namespace's quota makes room for a pod with its buffer on each of up to 7 control-plane nodes", () => {
    const quotaOf = (objects: any[]) => {
      const hard = find(objects, 'ResourceQuota')[0].spec.hard;
      return [hard['requests.ephemeral-storage'], hard['limits.ephemeral-storage']];
    };
    expect(quotaOf(build().objects)).toEqual(['10Gi', '20Gi']);
    expect(quotaOf(build({ bufferSize: Size.gibibytes(4) }).objects)).toEqual([`${7 * 4352}Mi`, `${7 * 4352}Mi`]);
  });

  test('header names that only contain "key" in a word are not taken for credentials', () => {
    const headers = { 'X-Monkey': 'a', 'X-Keycloak-Realm': 'b', 'X-Scope-OrgID': 'c' };
    expect(YAML.parse(build({ sink: { ...SINK, headers } }).shipper.config).exporters['otlphttp/sink'].headers).toEqual(headers);
  });

  test("further taints of the control-plane nodes are tolerated by key (RKE2's CriticalAddonsOnly)", () => {
    const pod = find(build({ toleratedTaints: ['CriticalAddonsOnly', 'node-role.kubernetes.io/etcd'] }).objects, 'DaemonSet')[0].spec
      .template.spec;
    expect(pod.tolerations).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { key: 'node-role.kubernetes.io/etcd', operator: 'Exists' },
    ]);
    expect(errorOf({ toleratedTaints: ['not a key!'] })).toMatch(/'toleratedTaints\[0\]' has the label key 'not a key!'/);
  });

  test('a second shipper in the same namespace is refused, naming the first; in a namespace of its own it is not', () => {
    const chart = new Chart(Testing.app(), 'platform');
    new AuditLogShipper(chart, 'audit', { image: IMAGE, sink: SINK });
    expect(() => new AuditLogShipper(chart, 'archive', { image: IMAGE, sink: SINK })).toThrow(
      /^\[platform\/archive\] platform\/audit ships the audit log from namespace 'audit-log-shipping' already\. .*'namespace' of its own/,
    );
    expect(() => new AuditLogShipper(chart, 'archive-2', { image: IMAGE, sink: SINK, namespace: 'audit-log-archive' })).not.toThrow();
  });

  test('a new configuration rolls the pods: its hash is on the pod template', () => {
    const hashOf = (props: Partial<AuditLogShipperProps>) => {
      const { shipper, objects } = build(props);
      const hash = find(objects, 'DaemonSet')[0].spec.template.metadata.annotations['hardened.cdk8s.io/config-sha256'];
      expect(hash).toBe(createHash('sha256').update(shipper.config).digest('hex'));
      return hash;
    };
    expect(hashOf({})).toBe(hashOf({}));
    expect(hashOf({ sink: { ...SINK, logsEndpoint: 'https://loki2.example.com/otlp/v1/logs' } })).not.toBe(hashOf({}));
  });

  test('under a HardenedNamespace it is refused: it creates a namespace of its own', () => {
    const ns = new HardenedNamespace(new Chart(Testing.app(), 'platform'), 'logging');
    expect(() => new AuditLogShipper(ns, 'audit', { image: IMAGE, sink: SINK })).toThrow(
      /^\[platform\/logging\/audit\] AuditLogShipper creates its own namespace .* cannot be placed in namespace 'logging'/,
    );
  });

  test.each([
    [{ sink: { ...SINK, logsEndpoint: 'http://loki.example.com/otlp/v1/logs' } }, /'sink\.logsEndpoint' must be an https:\/\/ URL/],
    [{ sink: { ...SINK, logsEndpoint: 'https://user:pw@loki.example.com/otlp' } }, /without credentials/],
    [{ sink: { ...SINK, logsEndpoint: 'loki:3100' } }, /'sink\.logsEndpoint' (is not a URL|must be an https)/],
    [{ sink: { ...SINK, cidrs: [] } }, /'sink\.cidrs' is empty/],
    [{ sink: { ...SINK, headers: { Authorization: 'Bearer abc' } } }, /'sink\.headers' has 'Authorization'.*clientCertificateSecret/],
    [
      { sink: { ...SINK, headers: { 'X-Tenant': 'a\r\nX-Evil: b' } } },
      /'sink\.headers\['X-Tenant'\]' must be a non-empty string of visible ASCII/,
    ],
    [{ sink: { ...SINK, headers: { 'X-Tenant': 'a\x01b' } } }, /'sink\.headers\['X-Tenant'\]' must be a non-empty string of visible ASCII/],
    [{ sink: { ...SINK, headers: { 'X-Tenant': 'a\x7fb' } } }, /'sink\.headers\['X-Tenant'\]' must be a non-empty string of visible ASCII/],
    [{ sink: { ...SINK, headers: { 'X-Tenant': 'é' } } }, /'sink\.headers\['X-Tenant'\]' must be a non-empty string of visible ASCII/],
    [{ sink: { ...SINK, caSecret: 'Loki_CA' } }, /sink\.caSecret/],
    [{ auditLogPath: 'audit.log' }, /'auditLogPath' must be an absolute file path/],
    [
      { auditLogPath: '/var/log/kubernetes/audit/*.log' },
      /'auditLogPath' must be an absolute file path of letters, digits, '\.', '_', '-' and '\/' in a folder of its own/,
    ],
    [{ auditLogPath: '/var/log/../etc/shadow' }, /'auditLogPath' must be an absolute file path/],
    [{ namespace: 'Audit' }, /namespace/],
    // Found by an attacker pass: each was accepted and widened what the shipper reads or reaches.
    [
      { auditLogPath: '/audit.log' },
      /'auditLogPath' must be .* below \/var\/log\/kubernetes\/ \(a subfolder of it\), or \/var\/log\/kube-apiserver\* or \/var\/log\/apiserver\*/,
    ],
    [{ auditLogPath: '/etc/kubernetes/pki/apiserver.key' }, /below \/var\/log\//],
    [{ auditLogPath: '/run/containerd/x' }, /below \/var\/log\//],
    [{ auditLogPath: '/var/log/audit.log' }, /in a folder of its own: below \/var\/log\/kubernetes\//],
    [{ auditLogPath: '/var/log/kubernetes/audit.log' }, /in a folder of its own: below \/var\/log\/kubernetes\//],
    [{ auditLogPath: '/var/log/installer/audit.log' }, /in a folder of its own: below \/var\/log\/kubernetes\//],
    [{ auditLogPath: '/var/log/kubernetes/audit/${HOME}.log' }, /'auditLogPath'/],
    [{ namespace: 'kube-system' }, /'namespace' is 'kube-system', a namespace of the cluster's own/],
    [{ namespace: 'default' }, /'namespace' is 'default'/],
    [
      { sink: { ...SINK, logsEndpoint: 'https:loki.example.com/otlp/v1/logs' } },
      /is not written as a URL reads .*Write 'https:\/\/loki\.example\.com\/otlp\/v1\/logs'/,
    ],
    [{ sink: { ...SINK, logsEndpoint: ' https://loki.example.com/otlp/v1/logs' } }, /is not written as a URL reads/],
    [{ sink: { ...SINK, cidrs: ['0.0.0.0/0'] } }, /'sink\.cidrs' has '0\.0\.0\.0\/0', wider than \/16/],
    [
      { sink: { ...SINK, cidrs: ['::/0'] } },
      /'sink\.cidrs' has '::\/0', in 64:ff9b::\/96, which reaches IPv4 addresses through a translator/,
    ],
    [{ sink: { ...SINK, cidrs: ['2600::/32'] } }, /'sink\.cidrs' has '2600::\/32', wider than \/48/],
    // A second attacker pass: NAT64 and 6to4 reach IPv4 while sized as IPv6; reserved headers; odd paths.
    [{ sink: { ...SINK, cidrs: ['64:ff9b::/96'] } }, /reaches IPv4 addresses through a translator \(NAT64, 6to4\)/],
    [{ sink: { ...SINK, cidrs: ['64:ff9b:1::/48'] } }, /reaches IPv4 addresses through a translator/],
    [{ sink: { ...SINK, cidrs: ['2002:a00::/24'.replace('/24', '/32')] } }, /in 2002::\/16, which reaches IPv4/],
    [{ sink: { ...SINK, headers: { Host: 'other-tenant.internal' } } }, /'sink\.headers' has 'Host', which the collector sets itself/],
    [
      { sink: { ...SINK, headers: { 'content-encoding': 'identity' } } },
      /'sink\.headers' has 'content-encoding', which the collector sets itself/,
    ],
    [{ sink: { ...SINK, logsEndpoint: 'https://loki.example.com/a/..%2Fv1/logs' } }, /without '%' or ';'/],
    [{ sink: { ...SINK, logsEndpoint: 'https://loki.example.com/a;/v1/logs' } }, /without '%' or ';'/],
    [
      { sink: { ...SINK, cidrs: ['16.0.0.0/16', '16.1.0.0/16'] } },
      /'sink\.cidrs' opens more addresses than one \/16 together \(at '16\.1\.0\.0\/16'\)/,
    ],
    [
      { sink: { ...SINK, cidrs: [...Array(257).keys()].map((n) => `10.${n >> 8}.${n & 255}.0/24`) } },
      /opens more addresses than one \/16 together/,
    ],
    [{ sink: { ...SINK, headers: { 'X-Api-Key': 'abc' } } }, /'sink\.headers' has 'X-Api-Key'/],
    [{ sink: { ...SINK, headers: { 'X-Splunk-Token': 'abc' } } }, /'sink\.headers' has 'X-Splunk-Token'/],
    [{ sink: { ...SINK, headers: { 'X-Auth-Request-User': 'abc' } } }, /'sink\.headers' has 'X-Auth-Request-User'/],
    [{ sink: { ...SINK, headers: { 'X-Goog-Api-Key': 'abc' } } }, /'sink\.headers' has 'X-Goog-Api-Key'/],
    [{ sink: { ...SINK, headers: { XApiKey: 'abc' } } }, /'sink\.headers' has 'XApiKey'/],
    [{ sink: undefined as unknown as AuditLogSink }, /'sink' is required/],
    [{ sink: { logsEndpoint: SINK.logsEndpoint } as AuditLogSink }, /'sink\.cidrs' is empty/],
    [{ controlPlaneNodeLabel: '' }, /'controlPlaneNodeLabel' has the label key ''/],
    [{ controlPlaneNodeLabel: 'not a label!' }, /'controlPlaneNodeLabel' has the label key 'not a label!'/],
    [{ image: 'otel/opentelemetry-collector-k8s:latest' }, /image/],
    // A new user's pass on the packed library: the errors name the shipper's own prop and fix.
    [
      { image: 'otel/opentelemetry-collector-k8s:0.165.0' },
      /^\[platform\/audit\] 'image' must be pinned by digest \(got 'otel\/opentelemetry-collector-k8s:0\.165\.0'\).*Pin it as repo@sha256/,
    ],
    [{ sink: { ...SINK, headers: { 'X-Scope-OrgID': '' } } }, /'sink\.headers\['X-Scope-OrgID'\]' must be a non-empty string/],
    [
      { auditLogPath: '/var/lib/rancher/rke2/server/logs/audit.log' },
      /on RKE2, k3s or Kubespray, set the API server's --audit-log-path there/,
    ],
    // Found by a new-user pass: each was accepted, or refused under another name.
    [
      { sink: { ...SINK, cidrs: ['10.0.48.0/28', '10.0.48.300/32'] } },
      /'sink\.cidrs\[1\]' is not a CIDR block \(got '10\.0\.48\.300\/32'\)/,
    ],
    [{ sink: { ...SINK, cidrs: ['10.0.48.5'] } }, /'sink\.cidrs\[0\]' is not a CIDR block .*no prefix length/],
    [{ auditLogPath: '/var/log/pods/audit.log' }, /other folders of \/var\/log hold every pod's logs, the journal or auditd's log/],
    [{ auditLogPath: '/var/log/containers/audit.log' }, /in a folder of its own: below \/var\/log\/kubernetes\//],
    [{ auditLogPath: '/var/log/journal/abc/audit.log' }, /in a folder of its own: below \/var\/log\/kubernetes\//],
    [
      { sink: { ...SINK, logsEndpoint: 'https://loki.example.com/' } },
      /'sink\.logsEndpoint' must be an OTLP logs path, ending in '\/v1\/logs'.*'https:\/\/loki\.example\.com\/otlp\/v1\/logs' for Loki 3/,
    ],
    [
      { sink: { ...SINK, logsEndpoint: 'https://loki.example.com' } },
      /ending in '\/v1\/logs'.*'https:\/\/loki\.example\.com\/otlp\/v1\/logs'/,
    ],
    [{ sink: { ...SINK, logsEndpoint: 'https://loki.example.com/otlp' } }, /must be an OTLP logs path, ending in '\/v1\/logs'/],
    [{ sink: { ...SINK, logsEndpoint: 'https://loki.example.com/loki/api/v1/push' } }, /must be an OTLP logs path/],
    [{ bufferSize: Size.gibibytes(1024) }, /'bufferSize' must be a whole number of MiB from 64 MiB to 64 GiB/],
    [{ auditLogPath: '/var/log/audit/kube-apiserver-audit.log' }, /in a folder of its own: below \/var\/log\/kubernetes\//],
    [{ bufferSize: Size.kibibytes(100) }, /'bufferSize' must be a whole number of MiB from 64 MiB to 64 GiB/],
    [{ bufferSize: Size.mebibytes(16) }, /'bufferSize' must be a whole number of MiB from 64 MiB to 64 GiB/],
  ] as Array<[Partial<AuditLogShipperProps>, RegExp]>)('refuses %j, naming the construct and the field', (props, message) => {
    const error = errorOf(props);
    expect(error).toMatch(message);
    expect(error).toMatch(/^\[platform\/audit/);
  });
});
