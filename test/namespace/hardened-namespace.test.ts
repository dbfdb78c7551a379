import { Chart, Testing } from 'cdk8s';
import { HardenedDeployment, HardenedNamespace, HardenedNamespaceProps, PodSecurityLevel, review } from '../../lib';
import { DEFAULT_QUOTA } from '../../lib/namespace/hardened-namespace';
import { CONTAINER, only } from '../support';

function synth(props: HardenedNamespaceProps = {}, chartNamespace?: string): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: chartNamespace });
  new HardenedNamespace(chart, 'shop', props);
  return Testing.synth(chart);
}

const named = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('HardenedNamespace defaults', () => {
  const objects = synth();

  test('enforces, audits and warns at Pod Security restricted, latest version', () => {
    expect(only(objects, 'Namespace').metadata).toEqual({
      name: 'shop',
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'latest',
      },
    });
  });

  const NAMESPACE_WIDE_SKIPS = {
    'ignore-check.kube-linter.io/dangling-networkpolicy': expect.stringMatching(
      /^A namespace-wide policy selects every pod of its namespace/,
    ),
    'kube-score/ignore': 'networkpolicy-targets-pod',
  };

  test('denies all ingress and egress of every pod', () => {
    expect(named(objects, 'NetworkPolicy', 'default-deny')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      // kube-score's "targets no pod" and kube-linter's dangling-networkpolicy fail a namespace-wide policy while the namespace is empty (scanner-map.ts).
      metadata: { name: 'default-deny', namespace: 'shop', annotations: NAMESPACE_WIDE_SKIPS },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    expect(named(objects, 'NetworkPolicy', 'allow-dns').metadata.annotations).toEqual(NAMESPACE_WIDE_SKIPS);
  });

  test('allows DNS to the cluster DNS pods only, UDP and TCP 53, with both selectors in one peer', () => {
    expect(named(objects, 'NetworkPolicy', 'allow-dns').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });

  test('sets the documented quota and container limits', () => {
    expect(only(objects, 'ResourceQuota').spec.hard).toEqual(DEFAULT_QUOTA);
    expect(DEFAULT_QUOTA['services.nodeports']).toBe('0');
    expect(DEFAULT_QUOTA['services.loadbalancers']).toBe('0');
    expect(only(objects, 'LimitRange').spec.limits).toEqual([
      {
        type: 'Container',
        default: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '256Mi' },
        defaultRequest: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
        max: { cpu: '4', memory: '8Gi' },
      },
    ]);
  });

  test('passes the review with no finding', () => {
    expect(
      review(
        objects.map((object) => ({ object })),
        { today: '2026-11-23', trustAnnotations: true },
      ).findings,
    ).toEqual([]);
  });

  test('keeps the cluster-scoped Namespace free of a chart namespace', () => {
    const inChart = synth({}, 'elsewhere');
    expect(only(inChart, 'Namespace').metadata.namespace).toBeUndefined();
    expect(named(inChart, 'NetworkPolicy', 'default-deny').metadata.namespace).toBe('shop');
  });
});

describe('HardenedNamespace options', () => {
  test('quota and limits merge over the defaults', () => {
    const objects = synth({ quota: { pods: '200', 'count/jobs.batch': '10' }, containerLimits: { max: { memory: '16Gi' } } });
    expect(only(objects, 'ResourceQuota').spec.hard).toMatchObject({ pods: '200', 'count/jobs.batch': '10', 'requests.cpu': '4' });
    expect(only(objects, 'LimitRange').spec.limits[0].max).toEqual({ cpu: '4', memory: '16Gi' });
  });

  test('DNS selectors and NodeLocal DNSCache are configurable', () => {
    const objects = synth({ dns: { namespace: 'dns', podLabels: { app: 'coredns' }, nodeLocalAddress: '169.254.20.10' } });
    expect(named(objects, 'NetworkPolicy', 'allow-dns').spec.egress.map((r: any) => r.to)).toEqual([
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }],
      [{ ipBlock: { cidr: '169.254.20.10/32' } }],
    ]);
  });

  test('a lower enforce level takes an exception; audit and warn stay restricted and the exception is recorded', () => {
    const reason = 'legacy monitoring agents, moving out by Q2';
    const ns = only(
      synth({
        podSecurity: PodSecurityLevel.BASELINE,
        podSecurityVersion: 'v1.33',
        exceptions: [{ rule: 'namespace-pod-security', reason }],
      }),
      'Namespace',
    );
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(ns.metadata.annotations).toEqual({ 'exception.hardened.cdk8s.io/namespace-pod-security': reason });
  });

  test('extra labels are kept', () => {
    expect(only(synth({ labels: { team: 'checkout' } }), 'Namespace').metadata.labels.team).toBe('checkout');
  });
});

describe('HardenedNamespace bad input', () => {
  test.each<[string, HardenedNamespaceProps, string]>([
    [
      'a lower level without an exception',
      { podSecurity: PodSecurityLevel.PRIVILEGED },
      "[test/shop] 'podSecurity': enforces 'privileged', which lets pods run with weaker settings than restricted. Keep the default (restricted) and except the one workload that needs more. If it is really needed, add exceptions: [{ rule: 'namespace-pod-security'",
    ],
    [
      'a version that is not a policy version',
      { podSecurityVersion: '1.30' },
      "[test/shop] 'podSecurityVersion' must be 'latest' or 'v1.N' (got '1.30')",
    ],
    ['a name that is not DNS-1123', { name: 'Shop' }, "[test/shop] 'name' must be a DNS-1123 label"],
    [
      'a quota that is not a quantity',
      { quota: { 'requests.cpu': 'four' } },
      "[test/shop] 'quota.requests.cpu' must be a Kubernetes quantity such as '500m', '2' or '4Gi' (got 'four').",
    ],
    [
      'a NodeLocal address that is not IPv4',
      { dns: { nodeLocalAddress: 'node-local' } },
      "[test/shop] 'dns.nodeLocalAddress' must be an IPv4 address (got 'node-local')",
    ],
  ])('fails on %s', (_case, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});

describe('workloads inside a HardenedNamespace', () => {
  test('land in it, whatever the chart namespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'elsewhere' });
    new HardenedDeployment(new HardenedNamespace(chart, 'shop'), 'web', { containers: [CONTAINER] });
    const objects = Testing.synth(chart).filter((o: any) => o.metadata.name === 'web');
    expect(objects.map((o: any) => [o.kind, o.metadata.namespace])).toEqual([
      ['ServiceAccount', 'shop'],
      ['Deployment', 'shop'],
      ['PodDisruptionBudget', 'shop'],
    ]);
  });

  test('an explicit namespace prop still wins', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    new HardenedDeployment(new HardenedNamespace(chart, 'shop'), 'web', { namespace: 'other', containers: [CONTAINER] });
    expect(only(Testing.synth(chart), 'Deployment').metadata.namespace).toBe('other');
  });
});
