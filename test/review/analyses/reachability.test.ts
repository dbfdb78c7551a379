import { KubeObject } from '../../../lib/review/model';
import { analyzeReachability, externalPorts, portsBetween, ReachabilityReport } from '../../../lib/review/analyses/reachability';
import { reachabilityJson } from '../../../lib/review/analyses/reachability-report';
import { allowAllEgress, allPairs, denyAll, flowLines, labels, namespace, policy, workload } from './builders';

/** One case: objects in, the explicit flows out (and, where it matters, the open lists). */
interface Case {
  readonly objects: readonly KubeObject[];
  /** `report.flows`, as `flowLines` renders them. */
  readonly flows: readonly string[];
  /** Short ids of the workloads open for ingress / egress, when the case is about them. */
  readonly openIngress?: readonly string[];
  readonly openEgress?: readonly string[];
}

const shopDb = (extra: Record<string, unknown> = {}) =>
  workload('shop', 'db', {
    ports: [
      { containerPort: 5432, name: 'postgres' },
      { containerPort: 9187, name: 'metrics' },
    ],
    ...extra,
  });
const dbIngress = (name: string, ingress: unknown[]) =>
  policy('shop', name, { podSelector: labels({ app: 'db' }), policyTypes: ['Ingress'], ingress });
const fromPods = (podSelector: Record<string, unknown>, port: number | string = 5432) => ({ from: [{ podSelector }], ports: [{ port }] });

/** ops (team=ops) runs monitor and debug; shop runs db and a local monitor; other runs a monitor too. */
const monitoringApp = [
  namespace('shop'),
  namespace('ops', { team: 'ops' }),
  namespace('other'),
  shopDb(),
  workload('shop', 'monitor'),
  workload('ops', 'monitor'),
  workload('ops', 'debug'),
  workload('other', 'monitor'),
];

/** a (tier=frontend, env=prod), b (tier=backend), c (env=dev, no tier), and db (app=db only) as target. */
const expressionApp = [
  workload('shop', 'a', { labels: { tier: 'frontend', env: 'prod' } }),
  workload('shop', 'b', { labels: { tier: 'backend' } }),
  workload('shop', 'c', { labels: { env: 'dev' } }),
  shopDb(),
];
const dbFrom = (podSelector: Record<string, unknown>) => [...expressionApp, dbIngress('db-in', [fromPods(podSelector)])];

const CASES: Record<string, Case> = {
  'no policy at all: every workload open both ways, no explicit flow': {
    objects: [workload('shop', 'web'), shopDb()],
    flows: [],
    openIngress: ['shop/db', 'shop/web'],
    openEgress: ['shop/db', 'shop/web'],
  },
  'default-deny both ways: no flow, nothing open': {
    objects: [workload('shop', 'web'), shopDb(), denyAll('shop')],
    flows: [],
    openIngress: [],
    openEgress: [],
  },
  'ingress-only isolation: db accepts web on 5432, db itself stays open for egress': {
    objects: [workload('shop', 'web'), shopDb(), dbIngress('db-from-web', [fromPods(labels({ app: 'web' }))])],
    flows: ['shop/web -> shop/db: TCP 5432'],
    openIngress: ['shop/web'],
    openEgress: ['shop/db', 'shop/web'],
  },
  'two policies selecting the same pods add up (union of ports and sources)': {
    objects: [
      workload('shop', 'web'),
      workload('shop', 'api'),
      shopDb(),
      denyAll('shop'),
      allowAllEgress('shop'),
      dbIngress('db-from-web', [fromPods(labels({ app: 'web' }))]),
      dbIngress('db-metrics', [fromPods(labels({ app: 'web' }), 9187), fromPods(labels({ app: 'api' }))]),
    ],
    flows: ['shop/api -> shop/db: TCP 5432', 'shop/web -> shop/db: TCP 5432, TCP 9187'],
  },
  'traffic needs both sides: egress to 5432 against ingress on 8080 gives nothing': {
    objects: [
      workload('shop', 'web'),
      shopDb(),
      denyAll('shop'),
      policy('shop', 'web-out', {
        podSelector: labels({ app: 'web' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: labels({ app: 'db' }) }], ports: [{ port: 5432 }] }],
      }),
      dbIngress('db-in', [fromPods(labels({ app: 'web' }), 8080)]),
    ],
    flows: [],
  },
  'namespaceSelector AND podSelector in one peer: only monitors in team=ops namespaces': {
    objects: [
      ...monitoringApp,
      dbIngress('db-monitoring', [
        {
          from: [{ namespaceSelector: labels({ team: 'ops' }), podSelector: labels({ app: 'monitor' }) }],
          ports: [{ port: 9187 }],
        },
      ]),
    ],
    flows: ['ops/monitor -> shop/db: TCP 9187'],
  },
  'the same selectors as two peers are OR: all of ops, plus monitors of the policy namespace (the common bug)': {
    objects: [
      ...monitoringApp,
      dbIngress('db-monitoring', [
        {
          from: [{ namespaceSelector: labels({ team: 'ops' }) }, { podSelector: labels({ app: 'monitor' }) }],
          ports: [{ port: 9187 }],
        },
      ]),
    ],
    flows: ['ops/debug -> shop/db: TCP 9187', 'ops/monitor -> shop/db: TCP 9187', 'shop/monitor -> shop/db: TCP 9187'],
  },
  'namespaceSelector {} selects every namespace': {
    objects: [...monitoringApp, dbIngress('db-any-ns', [{ from: [{ namespaceSelector: {} }], ports: [{ port: 9187 }] }])],
    flows: [
      'ops/debug -> shop/db: TCP 9187',
      'ops/monitor -> shop/db: TCP 9187',
      'other/monitor -> shop/db: TCP 9187',
      'shop/db -> shop/db: TCP 9187',
      'shop/monitor -> shop/db: TCP 9187',
    ],
  },
  'namespaceSelector {} with a podSelector: that app in every namespace': {
    objects: [
      ...monitoringApp,
      dbIngress('db-monitors', [{ from: [{ namespaceSelector: {}, podSelector: labels({ app: 'monitor' }) }], ports: [{ port: 9187 }] }]),
    ],
    flows: ['ops/monitor -> shop/db: TCP 9187', 'other/monitor -> shop/db: TCP 9187', 'shop/monitor -> shop/db: TCP 9187'],
  },
  'a namespaceSelector on the automatic kubernetes.io/metadata.name label of an undeclared namespace': {
    objects: [
      shopDb(),
      workload('batch', 'report'),
      dbIngress('db-from-batch', [{ from: [{ namespaceSelector: labels({ 'kubernetes.io/metadata.name': 'batch' }) }] }]),
    ],
    flows: ['batch/report -> shop/db: all'],
  },
  'matchExpressions In: tier in (frontend, backend)': {
    objects: dbFrom({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'backend'] }] }),
    flows: ['shop/a -> shop/db: TCP 5432', 'shop/b -> shop/db: TCP 5432'],
  },
  'matchExpressions NotIn also matches pods without the key (c and db itself)': {
    objects: dbFrom({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }),
    flows: ['shop/b -> shop/db: TCP 5432', 'shop/c -> shop/db: TCP 5432', 'shop/db -> shop/db: TCP 5432'],
  },
  'matchExpressions Exists: env present': {
    objects: dbFrom({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }),
    flows: ['shop/a -> shop/db: TCP 5432', 'shop/c -> shop/db: TCP 5432'],
  },
  'matchExpressions DoesNotExist: env absent': {
    objects: dbFrom({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }),
    flows: ['shop/b -> shop/db: TCP 5432', 'shop/db -> shop/db: TCP 5432'],
  },
  'matchLabels AND matchExpressions': {
    objects: dbFrom({ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }),
    flows: ['shop/a -> shop/db: TCP 5432'],
  },
  'a named port resolves to the destination container port': {
    objects: [workload('shop', 'web'), shopDb(), dbIngress('db-in', [fromPods(labels({ app: 'web' }), 'postgres')])],
    flows: ['shop/web -> shop/db: TCP 5432'],
  },
  'a named port the destination does not have matches nothing': {
    objects: [workload('shop', 'web'), shopDb(), dbIngress('db-in', [fromPods(labels({ app: 'web' }), 'redis')])],
    flows: [],
  },
  'a named port of another protocol matches nothing (UDP "postgres" against a TCP port)': {
    objects: [
      workload('shop', 'web'),
      shopDb(),
      dbIngress('db-in', [{ from: [{ podSelector: labels({ app: 'web' }) }], ports: [{ protocol: 'UDP', port: 'postgres' }] }]),
    ],
    flows: [],
  },
  'an egress named port resolves per destination: db has "postgres", cache does not': {
    objects: [
      workload('shop', 'web'),
      shopDb(),
      workload('shop', 'cache', { labels: { app: 'cache', store: 'yes' }, ports: [{ containerPort: 6379, name: 'redis' }] }),
      policy('shop', 'web-out', {
        podSelector: labels({ app: 'web' }),
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'cache'] }] } }],
            ports: [{ port: 'postgres' }],
          },
        ],
      }),
    ],
    flows: ['shop/web -> shop/db: TCP 5432'],
  },
  'endPort range on ingress intersected with a single egress port': {
    objects: [
      workload('shop', 'web'),
      shopDb(),
      denyAll('shop'),
      policy('shop', 'web-out', {
        podSelector: labels({ app: 'web' }),
        egress: [{ to: [{ podSelector: labels({ app: 'db' }) }], ports: [{ port: 8080 }] }],
      }),
      dbIngress('db-in', [{ from: [{ podSelector: labels({ app: 'web' }) }], ports: [{ port: 8000, endPort: 8100 }] }]),
    ],
    flows: ['shop/web -> shop/db: TCP 8080'],
  },
  'two overlapping endPort ranges intersect to their overlap': {
    objects: [
      workload('shop', 'web'),
      shopDb(),
      denyAll('shop'),
      policy('shop', 'web-out', {
        podSelector: labels({ app: 'web' }),
        egress: [{ to: [{ podSelector: labels({ app: 'db' }) }], ports: [{ port: 8050, endPort: 8200 }] }],
      }),
      dbIngress('db-in', [{ from: [{ podSelector: labels({ app: 'web' }) }], ports: [{ port: 8000, endPort: 8100 }] }]),
    ],
    flows: ['shop/web -> shop/db: TCP 8050-8100'],
  },
  'DNS: default protocol TCP and UDP 53 to kube-system/kube-dns (namespace only referenced)': {
    objects: [
      workload('shop', 'web'),
      denyAll('shop'),
      workload('kube-system', 'coredns', {
        labels: { 'k8s-app': 'kube-dns' },
        ports: [
          { containerPort: 53, name: 'dns', protocol: 'UDP' },
          { containerPort: 53, name: 'dns-tcp' },
        ],
      }),
      policy('shop', 'allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: labels({ 'kubernetes.io/metadata.name': 'kube-system' }),
                podSelector: labels({ 'k8s-app': 'kube-dns' }),
              },
            ],
            ports: [{ protocol: 'UDP', port: 53 }, { port: 53 }],
          },
        ],
      }),
    ],
    flows: ['shop/web -> kube-system/coredns: TCP 53, UDP 53'],
    openIngress: ['kube-system/coredns'],
  },
  'a rule without from admits everyone; a rule without ports allows every port': {
    objects: [
      workload('shop', 'web'),
      workload('shop', 'api'),
      shopDb(),
      dbIngress('db-in', [{ ports: [{ port: 5432 }] }, { from: [{ podSelector: labels({ app: 'web' }) }] }]),
    ],
    flows: ['shop/api -> shop/db: TCP 5432', 'shop/db -> shop/db: TCP 5432', 'shop/web -> shop/db: all'],
  },
  'a port without number allows every port of its protocol': {
    objects: [
      workload('shop', 'web'),
      shopDb(),
      dbIngress('db-in', [{ from: [{ podSelector: labels({ app: 'web' }) }], ports: [{ protocol: 'UDP' }] }]),
    ],
    flows: ['shop/web -> shop/db: UDP all'],
  },
  'replicas of an isolated workload reach each other only when a rule allows it': {
    objects: [
      workload('shop', 'cluster', { kind: 'StatefulSet' }),
      denyAll('shop'),
      allowAllEgress('shop'),
      policy('shop', 'peers', { podSelector: labels({ app: 'cluster' }), ingress: [fromPods(labels({ app: 'cluster' }), 7000)] }),
    ],
    flows: ['shop/StatefulSet/cluster -> shop/StatefulSet/cluster: TCP 7000'],
  },
  'policyTypes absent, no egress section: the policy isolates ingress only': {
    objects: [
      workload('shop', 'web'),
      shopDb(),
      policy('shop', 'db-in', { podSelector: labels({ app: 'db' }), ingress: [fromPods(labels({ app: 'web' }))] }),
    ],
    flows: ['shop/web -> shop/db: TCP 5432'],
    openEgress: ['shop/db', 'shop/web'],
  },
  'policyTypes absent with an egress section: the policy isolates both ways': {
    objects: [
      workload('shop', 'web'),
      shopDb(),
      policy('shop', 'db', {
        podSelector: labels({ app: 'db' }),
        ingress: [fromPods(labels({ app: 'web' }))],
        egress: [{ to: [{ podSelector: labels({ app: 'web' }) }], ports: [{ port: 8080 }] }],
      }),
    ],
    flows: ['shop/db -> shop/web: TCP 8080', 'shop/web -> shop/db: TCP 5432'],
    openEgress: ['shop/web'],
  },
  'policyTypes absent with "egress: []": an empty list does not add Egress (API defaulting)': {
    objects: [workload('shop', 'web'), shopDb(), policy('shop', 'db', { podSelector: labels({ app: 'db' }), ingress: [], egress: [] })],
    flows: [],
    openEgress: ['shop/db', 'shop/web'],
  },
  'policyTypes [Egress] ignores the ingress rules it carries': {
    objects: [
      workload('shop', 'web'),
      shopDb(),
      policy('shop', 'db', { podSelector: labels({ app: 'db' }), policyTypes: ['Egress'], ingress: [fromPods(labels({ app: 'web' }))] }),
    ],
    flows: [],
    openIngress: ['shop/db', 'shop/web'],
    openEgress: ['shop/web'],
  },
  'a policy in another namespace does not select pods here': {
    objects: [workload('shop', 'web'), shopDb(), denyAll('other'), workload('other', 'tool')],
    flows: [],
    openIngress: ['shop/db', 'shop/web'],
    openEgress: ['shop/db', 'shop/web'],
  },
  'Jobs and CronJobs are workloads with their pod template labels': {
    objects: [
      shopDb(),
      workload('shop', 'migrate', { kind: 'Job' }),
      workload('shop', 'backup', { kind: 'CronJob' }),
      denyAll('shop'),
      allowAllEgress('shop'),
      dbIngress('db-in', [
        {
          from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['migrate', 'backup'] }] } }],
          ports: [{ port: 5432 }],
        },
      ]),
    ],
    flows: ['shop/CronJob/backup -> shop/db: TCP 5432', 'shop/Job/migrate -> shop/db: TCP 5432'],
  },
  'a Calico NetworkPolicy (another API) is not read': {
    objects: [
      workload('shop', 'web'),
      {
        apiVersion: 'projectcalico.org/v3',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny', namespace: 'shop' },
        spec: { selector: 'all()', types: ['Ingress'] },
      },
    ],
    flows: [],
    openIngress: ['shop/web'],
  },
};

describe('analyzeReachability', () => {
  test.each(Object.entries(CASES))('%s', (_name, c) => {
    const report = analyzeReachability(c.objects);
    expect(flowLines(report)).toEqual(c.flows);
    const short = (ids: readonly string[]) => ids.map((id) => id.replace('/Deployment/', '/'));
    if (c.openIngress) expect(short(report.open.ingress)).toEqual(c.openIngress);
    if (c.openEgress) expect(short(report.open.egress)).toEqual(c.openEgress);
  });

  test('open pairs are not listed but portsBetween answers for them', () => {
    const report = analyzeReachability([workload('shop', 'web'), shopDb(), dbIngress('db-in', [fromPods(labels({ app: 'web' }))])]);
    expect(allPairs(report)).toEqual(['shop/db -> shop/web: all', 'shop/web -> shop/db: TCP 5432', 'shop/web -> shop/web: all']);
    expect(portsBetween(report, 'shop/Deployment/db', 'shop/Deployment/db')).toEqual([]);
  });

  test('workloads carry their isolation and the policies selecting them', () => {
    const report = analyzeReachability([workload('shop', 'web'), shopDb(), denyAll('shop'), dbIngress('db-in', [])]);
    expect(report.workloads).toEqual([
      {
        id: 'shop/Deployment/db',
        namespace: 'shop',
        kind: 'Deployment',
        name: 'db',
        isolated: { ingress: true, egress: true },
        policies: ['shop/db-in', 'shop/default-deny'],
      },
      {
        id: 'shop/Deployment/web',
        namespace: 'shop',
        kind: 'Deployment',
        name: 'web',
        isolated: { ingress: true, egress: true },
        policies: ['shop/default-deny'],
      },
    ]);
    expect(report.policies).toEqual(['shop/db-in', 'shop/default-deny']);
  });

  test('pods of custom resources are pods on the network: a Rollout, each role of a Kubeflow job; not a PodTemplate nor a Deployment of another group', () => {
    const template = (app: string) => ({
      metadata: { labels: { app } },
      spec: { containers: [{ name: 'main', image: 'app:1', ports: [{ containerPort: 8080, name: 'http' }] }] },
    });
    const objects = [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { selector: { matchLabels: { app: 'web' } }, template: template('web') },
      },
      {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        metadata: { name: 'train', namespace: 'shop' },
        spec: {
          pytorchReplicaSpecs: {
            Master: { replicas: 1, template: template('train-master') },
            Worker: { replicas: 2, template: template('train-worker') },
          },
        },
      },
      { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'tpl', namespace: 'shop' }, template: template('tpl') },
      {
        apiVersion: 'example.com/v1',
        kind: 'Deployment',
        metadata: { name: 'fake', namespace: 'shop' },
        spec: { template: template('fake') },
      },
      denyAll('shop'),
      policy('shop', 'web-from-master', {
        podSelector: labels({ app: 'web' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: labels({ app: 'train-master' }) }], ports: [{ port: 'http' }] }],
      }),
      policy('shop', 'master-egress', {
        podSelector: labels({ app: 'train-master' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: labels({ app: 'web' }) }] }],
      }),
    ];
    const report = analyzeReachability(objects);
    expect(report.workloads.map((w) => [w.id, w.kind, w.name])).toEqual([
      ['shop/PyTorchJob/train/Master', 'PyTorchJob', 'train/Master'],
      ['shop/PyTorchJob/train/Worker', 'PyTorchJob', 'train/Worker'],
      ['shop/Rollout/web', 'Rollout', 'web'],
    ]);
    expect(flowLines(report)).toEqual(['shop/PyTorchJob/train/Master -> shop/Rollout/web: TCP 8080']);
  });

  test('a workload without namespace is in "default"', () => {
    const obj = workload('x', 'web');
    const { namespace: _dropped, ...metadata } = obj.metadata!;
    expect(analyzeReachability([{ ...obj, metadata }]).workloads.map((w) => w.id)).toEqual(['default/Deployment/web']);
  });

  test('a host-network workload gets a warning', () => {
    const report = analyzeReachability([workload('shop', 'agent', { kind: 'DaemonSet', hostNetwork: true })]);
    expect(report.warnings).toEqual([expect.stringContaining('shop/DaemonSet/agent uses hostNetwork')]);
  });

  test('a NetworkPolicy of another API gets a warning', () => {
    const report = analyzeReachability(CASES['a Calico NetworkPolicy (another API) is not read'].objects);
    expect(report.warnings).toEqual([
      'projectcalico.org/v3 NetworkPolicy shop/deny is not a networking.k8s.io/v1 NetworkPolicy and was not analysed.',
    ]);
    expect(report.policies).toEqual([]);
  });
});

describe('traffic to and from outside the cluster', () => {
  const web = workload('shop', 'web');
  const egress = (to: unknown[], ports: unknown[] = [{ port: 443 }]) =>
    policy('shop', 'web-out', { podSelector: labels({ app: 'web' }), policyTypes: ['Egress'], egress: [{ to, ports }] });
  const external = (report: ReachabilityReport) => report.external.find((e) => e.workload === 'shop/Deployment/web');

  test('egress ipBlock with except: the cloud metadata address and the cluster range excluded', () => {
    const report = analyzeReachability([web, egress([{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32', '10.0.0.0/8'] } }])]);
    expect(external(report)?.egress).toEqual([{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'], ports: ['TCP 443'] }]);
    expect(externalPorts(report, 'shop/Deployment/web', 'egress', '169.254.169.254')).toEqual([]);
    expect(externalPorts(report, 'shop/Deployment/web', 'egress', '10.1.2.3')).toEqual([]);
    expect(externalPorts(report, 'shop/Deployment/web', 'egress', '93.184.216.34')).toEqual(['TCP 443']);
    expect(report.flows).toEqual([]);
  });

  test('an ipBlock is never matched against pods: no flow to the pods of the app', () => {
    const report = analyzeReachability([web, shopDb(), egress([{ ipBlock: { cidr: '10.0.0.0/8' } }], [])]);
    expect(report.flows).toEqual([]);
    expect(external(report)?.egress).toEqual([{ cidr: '10.0.0.0/8', except: [], ports: ['all'] }]);
  });

  test('IPv6 blocks are validated, made canonical, and matched', () => {
    const report = analyzeReachability([web, egress([{ ipBlock: { cidr: '2001:DB8::/32', except: ['2001:db8:1:0::/48'] } }])]);
    expect(external(report)?.egress).toEqual([{ cidr: '2001:db8::/32', except: ['2001:db8:1::/48'], ports: ['TCP 443'] }]);
    expect(externalPorts(report, 'shop/Deployment/web', 'egress', '2001:db8::1')).toEqual(['TCP 443']);
    expect(externalPorts(report, 'shop/Deployment/web', 'egress', '2001:db8:1::5')).toEqual([]);
    expect(externalPorts(report, 'shop/Deployment/web', 'egress', '192.0.2.1')).toEqual([]);
  });

  test('identical blocks from several rules merge their ports; named ports are left out toward addresses', () => {
    const report = analyzeReachability([
      web,
      policy('shop', 'web-out', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 443 }, { port: 'http' }] },
          { to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ protocol: 'UDP', port: 53 }] },
          { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 'http' }] },
        ],
      }),
    ]);
    expect(external(report)?.egress).toEqual([{ cidr: '192.0.2.0/24', except: [], ports: ['TCP 443', 'UDP 53'] }]);
  });

  test('ingress: not isolated means any address; an empty from means any address on its ports, named ports resolved', () => {
    const open = analyzeReachability([web]);
    expect(external(open)).toEqual({
      workload: 'shop/Deployment/web',
      egress: [{ cidr: 'any', except: [], ports: ['all'] }],
      ingress: [{ cidr: 'any', except: [], ports: ['all'] }],
    });
    const isolated = analyzeReachability([
      web,
      policy('shop', 'web-in', {
        podSelector: {},
        ingress: [{ ports: [{ port: 'http' }] }, { from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 9090 }] }],
      }),
    ]);
    expect(external(isolated)?.ingress).toEqual([
      { cidr: 'any', except: [], ports: ['TCP 8080'] },
      { cidr: '203.0.113.0/24', except: [], ports: ['TCP 9090'] },
    ]);
    expect(externalPorts(isolated, 'shop/Deployment/web', 'ingress', '203.0.113.9')).toEqual(['TCP 8080', 'TCP 9090']);
  });

  test('a workload isolated both ways with no external rule is not listed', () => {
    expect(analyzeReachability([web, denyAll('shop')]).external).toEqual([]);
  });
});

describe('pods in namespaces outside the output', () => {
  const web = workload('shop', 'web');
  const byName = (name: string) => labels({ 'kubernetes.io/metadata.name': name });
  const webPolicy = (spec: Record<string, unknown>) => policy('shop', 'web', { podSelector: labels({ app: 'web' }), ...spec });
  const outside = (report: ReachabilityReport) => report.outside.find((o) => o.workload === 'shop/Deployment/web');

  test('an ingress controller in a namespace the output lacks: listed with its pods and the ports, named ones resolved', () => {
    const report = analyzeReachability([
      web,
      denyAll('shop'),
      webPolicy({
        ingress: [
          {
            from: [{ namespaceSelector: byName('ingress-nginx'), podSelector: labels({ 'app.kubernetes.io/name': 'ingress-nginx' }) }],
            ports: [{ port: 'http' }, { port: 9090 }],
          },
        ],
      }),
    ]);
    expect(outside(report)).toEqual({
      workload: 'shop/Deployment/web',
      ingress: [{ namespaces: 'ingress-nginx', pods: 'app.kubernetes.io/name=ingress-nginx', ports: ['TCP 8080', 'TCP 9090'] }],
      egress: [],
    });
    expect(report.flows).toEqual([]);
  });

  test('egress to DNS in kube-system: numeric ports, and a port given by name shown by name', () => {
    const report = analyzeReachability([
      web,
      denyAll('shop'),
      webPolicy({
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: byName('kube-system'),
                podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['node-local-dns', 'kube-dns'] }] },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
          {
            to: [
              {
                namespaceSelector: byName('kube-system'),
                podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns', 'node-local-dns'] }] },
              },
            ],
            ports: [{ protocol: 'UDP', port: 'dns' }],
          },
        ],
      }),
    ]);
    expect(outside(report)?.egress).toEqual([
      { namespaces: 'kube-system', pods: 'k8s-app in (kube-dns,node-local-dns)', ports: ['TCP 53', 'UDP 53', 'UDP port "dns"'] },
    ]);
  });

  test('a namespace of the output is not outside; of several names only the missing ones are', () => {
    const report = analyzeReachability([
      web,
      workload('pay', 'ledger'),
      namespace('pay'),
      denyAll('shop'),
      webPolicy({
        ingress: [
          { from: [{ namespaceSelector: byName('pay'), podSelector: labels({ app: 'ledger' }) }], ports: [{ port: 8080 }] },
          {
            from: [
              {
                namespaceSelector: {
                  matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['pay', 'monitoring'] }],
                },
              },
            ],
            ports: [{ port: 9090 }],
          },
        ],
      }),
    ]);
    expect(outside(report)?.ingress).toEqual([{ namespaces: 'monitoring', pods: 'any pod', ports: ['TCP 9090'] }]);
    expect(flowLines(report)).toContain('pay/ledger -> shop/web: TCP 8080, TCP 9090');
  });

  test('a namespace chosen by labels may be any namespace of the cluster that has them', () => {
    const report = analyzeReachability([
      web,
      denyAll('shop'),
      webPolicy({
        ingress: [
          {
            from: [
              {
                namespaceSelector: labels({ team: 'observability' }),
                podSelector: {
                  matchExpressions: [
                    { key: 'scraper', operator: 'Exists' },
                    { key: 'debug', operator: 'DoesNotExist' },
                  ],
                },
              },
            ],
            ports: [{ port: 9090 }],
          },
          { from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] },
        ],
      }),
    ]);
    expect(outside(report)?.ingress).toEqual([
      { namespaces: 'any namespace with any labels', pods: 'any pod', ports: ['TCP 8080'] },
      { namespaces: 'any namespace with team=observability', pods: '!debug,scraper', ports: ['TCP 9090'] },
    ]);
  });

  test('peers without a namespaceSelector, ipBlocks, and directions that are not isolated list nothing here', () => {
    const report = analyzeReachability([
      web,
      webPolicy({
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: labels({ app: 'x' }) }, { ipBlock: { cidr: '10.0.0.0/8' } }] }],
        egress: [{ to: [{ namespaceSelector: byName('kube-system') }] }],
      }),
    ]);
    expect(report.outside).toEqual([]);
  });
});

describe('invalid NetworkPolicies fail with the policy, the field and the fix', () => {
  const withPeer = (peer: unknown) => [workload('shop', 'web'), policy('shop', 'bad', { podSelector: {}, egress: [{ to: [peer] }] })];
  const withPort = (port: unknown) => [workload('shop', 'web'), policy('shop', 'bad', { podSelector: {}, ingress: [{ ports: [port] }] })];
  const withSelector = (podSelector: unknown) => [workload('shop', 'web'), policy('shop', 'bad', { podSelector })];

  test.each([
    [
      'a prefix too long',
      withPeer({ ipBlock: { cidr: '10.0.0.0/33' } }),
      'NetworkPolicy shop/bad: spec.egress[0].to[0].ipBlock.cidr "10.0.0.0/33" is not a valid CIDR: the prefix length must be a number from 0 to 32 for IPv4. Write a block such as "10.0.0.0/8", "203.0.113.7/32" or "2001:db8::/32".',
    ],
    ['an octet above 255', withPeer({ ipBlock: { cidr: '10.0.0.256/32' } }), '"256" is not a number from 0 to 255'],
    ['no prefix length', withPeer({ ipBlock: { cidr: '10.0.0.1' } }), 'it has no prefix length'],
    ['host bits set', withPeer({ ipBlock: { cidr: '10.0.0.1/8' } }), 'it has host bits set; the block is "10.0.0.0/8"'],
    ['a malformed IPv6 block', withPeer({ ipBlock: { cidr: '2001:db8:::/32' } }), '"2001:db8:::/32" is not a valid CIDR'],
    [
      'an except outside the cidr',
      withPeer({ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] } }),
      'spec.egress[0].to[0].ipBlock.except[0] "192.168.0.0/16" is not inside cidr "10.0.0.0/8"',
    ],
    ['an except equal to the cidr', withPeer({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }), 'is not inside cidr'],
    [
      'an invalid except',
      withPeer({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/99'] } }),
      'ipBlock.except[0] "10.1.0.0/99" is not a valid CIDR',
    ],
    ['an ipBlock with a selector', withPeer({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }), 'sets ipBlock together with a selector'],
    ['an empty peer', withPeer({}), 'spec.egress[0].to[0] is empty'],
    [
      'a lower-case protocol',
      withPort({ protocol: 'tcp', port: 80 }),
      'spec.ingress[0].ports[0].protocol "tcp" is not one of TCP, UDP, SCTP',
    ],
    ['a port out of range', withPort({ port: 70000 }), 'port 70000 is not a port number from 1 to 65535'],
    ['a quoted number', withPort({ port: '80' }), 'is neither a port number nor a port name'],
    ['an endPort with a named port', withPort({ port: 'http', endPort: 90 }), 'a range needs a numeric port'],
    ['an endPort below port', withPort({ port: 90, endPort: 80 }), 'endPort 80 must be a port number from port (90) to 65535'],
    ['an endPort without port', withPort({ endPort: 80 }), 'sets endPort without port'],
    [
      'an unknown operator',
      withSelector({ matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }),
      'spec.podSelector.matchExpressions[0].operator "in" is not one of In, NotIn, Exists, DoesNotExist',
    ],
    ['In without values', withSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), 'uses In, which needs at least one value'],
    [
      'Exists with values',
      withSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
      'uses Exists, which takes no values',
    ],
    [
      'an unknown policy type',
      [policy('shop', 'bad', { podSelector: {}, policyTypes: ['ingress'] })],
      'spec.policyTypes[0] "ingress" is not "Ingress" or "Egress"',
    ],
  ])('fails on %s', (_name, objects, message) => {
    expect(() => analyzeReachability(objects as KubeObject[])).toThrow(message);
    expect(() => analyzeReachability(objects as KubeObject[])).toThrow(/^NetworkPolicy shop\/bad: /);
  });

  test('fails when a workload is defined twice', () => {
    expect(() => analyzeReachability([workload('shop', 'web'), workload('shop', 'web')])).toThrow(
      'workload shop/Deployment/web is defined twice; give each object a unique name.',
    );
  });
});

describe('determinism and scale', () => {
  const app = (): KubeObject[] => [
    ...monitoringApp,
    workload('shop', 'web'),
    workload('shop', 'job', { kind: 'Job' }),
    denyAll('shop'),
    dbIngress('db-in', [
      fromPods(labels({ app: 'web' })),
      { from: [{ namespaceSelector: labels({ team: 'ops' }) }], ports: [{ port: 'metrics' }] },
    ]),
    policy('shop', 'web-out', {
      podSelector: labels({ app: 'web' }),
      egress: [
        { to: [{ podSelector: labels({ app: 'db' }) }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ port: 443 }] },
      ],
    }),
    policy('shop', 'dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            { namespaceSelector: labels({ 'kubernetes.io/metadata.name': 'kube-system' }), podSelector: labels({ 'k8s-app': 'kube-dns' }) },
          ],
          ports: [{ protocol: 'UDP', port: 53 }],
        },
        {
          to: [
            { namespaceSelector: labels({ 'kubernetes.io/metadata.name': 'kube-system' }), podSelector: labels({ 'k8s-app': 'kube-dns' }) },
          ],
          ports: [{ protocol: 'TCP', port: 53 }],
        },
      ],
    }),
  ];

  test('the same objects in reverse order give identical JSON', () => {
    const forward = reachabilityJson(analyzeReachability(app()));
    expect(reachabilityJson(analyzeReachability(app().reverse()))).toBe(forward);
    expect(forward).toContain('"shop/Deployment/web"');
    expect(JSON.parse(forward).outside.find((o: { workload: string }) => o.workload === 'shop/Deployment/web').egress).toEqual([
      { namespaces: 'kube-system', pods: 'k8s-app=kube-dns', ports: ['TCP 53', 'UDP 53'] },
    ]);
  });

  test('the input objects are not modified', () => {
    const objects = app();
    const before = JSON.stringify(objects);
    analyzeReachability(objects);
    expect(JSON.stringify(objects)).toBe(before);
  });

  test('2,000 workloads in 40 namespaces, default-deny plus one allow each: 16,000 flows', () => {
    const objects: KubeObject[] = [];
    for (let n = 0; n < 40; n++) {
      const ns = `team-${String(n).padStart(2, '0')}`;
      objects.push(
        namespace(ns),
        denyAll(ns),
        policy(ns, 'frontend-to-backend', {
          podSelector: {},
          ingress: [{ from: [{ podSelector: labels({ role: 'frontend' }) }], ports: [{ port: 8080 }] }],
          egress: [{ to: [{ podSelector: labels({ role: 'backend' }) }], ports: [{ port: 'http' }] }],
        }),
      );
      for (let w = 0; w < 50; w++) {
        objects.push(
          workload(ns, `svc-${String(w).padStart(2, '0')}`, { labels: { role: w < 10 ? 'frontend' : 'backend', app: `svc-${w}` } }),
        );
      }
    }
    const report = analyzeReachability(objects);
    expect(report.workloads).toHaveLength(2000);
    // Only frontends (10 per namespace) may send, only to backends (40) of their own namespace.
    expect(report.flows).toHaveLength(40 * 10 * 40);
    expect(new Set(report.flows.map((f) => f.ports.join()))).toEqual(new Set(['TCP 8080']));
    expect(report.flows.every((f) => f.from.split('/')[0] === f.to.split('/')[0])).toBe(true);
    expect(report.open).toEqual({ ingress: [], egress: [] });
  });

  test('2,000 open workloads are reported compactly: no flow is materialized', () => {
    const objects = Array.from({ length: 2000 }, (_, i) => workload(`ns-${i % 40}`, `svc-${i}`));
    const report = analyzeReachability(objects);
    expect(report.flows).toHaveLength(0);
    expect(report.open.ingress).toHaveLength(2000);
    expect(report.open.egress).toHaveLength(2000);
    expect(portsBetween(report, 'ns-0/Deployment/svc-0', 'ns-39/Deployment/svc-1999')).toEqual(['all']);
  });
});
