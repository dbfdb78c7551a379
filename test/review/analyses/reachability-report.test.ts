import { analyzeReachability } from '../../../lib/review/analyses/reachability';
import { reachabilityJson, reachabilityMarkdown } from '../../../lib/review/analyses/reachability-report';
import { denyAll, labels, policy, workload } from './builders';

const objects = [
  workload('shop', 'web'),
  workload('shop', 'db', { ports: [{ containerPort: 5432, name: 'postgres' }] }),
  workload('tools', 'debug'),
  denyAll('shop'),
  policy('shop', 'web', {
    podSelector: labels({ app: 'web' }),
    ingress: [{ ports: [{ port: 'http' }] }],
    egress: [
      { to: [{ podSelector: labels({ app: 'db' }) }], ports: [{ port: 5432 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ port: 443 }] },
    ],
  }),
  policy('shop', 'db', {
    podSelector: labels({ app: 'db' }),
    ingress: [{ from: [{ podSelector: labels({ app: 'web' }) }], ports: [{ port: 'postgres' }] }],
  }),
];

describe('reachability reports', () => {
  const report = analyzeReachability(objects);

  test('JSON: the whole report after a format header, 2-space indented, newline-terminated', () => {
    const json = reachabilityJson(report);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json).toContain('\n  "analysis": "reachability",\n  "formatVersion": 1,\n');
    const parsed = JSON.parse(json);
    expect(Object.keys(parsed)).toEqual([
      'analysis',
      'formatVersion',
      'workloads',
      'policies',
      'open',
      'flows',
      'external',
      'outside',
      'entryPoints',
      'warnings',
    ]);
    expect(parsed.open).toEqual({ ingress: ['tools/Deployment/debug'], egress: ['tools/Deployment/debug'] });
    expect(parsed.flows).toEqual([
      { from: 'shop/Deployment/web', to: 'shop/Deployment/db', ports: ['TCP 5432'] },
      { from: 'tools/Deployment/debug', to: 'shop/Deployment/web', ports: ['TCP 8080'] },
    ]);
    expect(parsed.external).toEqual([
      {
        workload: 'shop/Deployment/web',
        egress: [{ cidr: '0.0.0.0/0', except: ['169.254.169.254/32'], ports: ['TCP 443'] }],
        ingress: [{ cidr: 'any', except: [], ports: ['TCP 8080'] }],
      },
      {
        workload: 'tools/Deployment/debug',
        egress: [{ cidr: 'any', except: [], ports: ['all'] }],
        ingress: [{ cidr: 'any', except: [], ports: ['all'] }],
      },
    ]);
  });

  test('Markdown: the section, open workloads, flows and external tables', () => {
    const md = reachabilityMarkdown(report);
    expect(md.startsWith('## Reachability\n')).toBe(true);
    expect(md).toContain('3 workloads, 3 NetworkPolicies; 2 isolated both ways, 2 flows listed.');
    expect(md).toContain('Not isolated for ingress (any source may connect): `tools/Deployment/debug`.');
    expect(md).toContain('Every workload open for egress reaches every workload open for ingress on all ports');
    expect(md).toContain('| Source | Destination | Ports |\n|---|---|---|\n| `shop/Deployment/web` | `shop/Deployment/db` | TCP 5432 |\n');
    expect(md).toContain('| `shop/Deployment/web` | `0.0.0.0/0` | `169.254.169.254/32` | TCP 443 |');
    expect(md).toContain('### Ingress from outside the cluster\n\n| Workload | Source | Except | Ports |');
    expect(md).toContain('| `tools/Deployment/debug` | any address |  | all |');
    expect(md).toContain('CIDR blocks are not matched against pods');
    expect(md.endsWith('\n')).toBe(true);
  });

  test('Markdown for a locked-down app says so', () => {
    const md = reachabilityMarkdown(analyzeReachability([workload('shop', 'web'), denyAll('shop')]));
    expect(md).toContain('Not isolated for ingress (any source may connect): none.');
    expect(md).toContain('1 workload, 1 NetworkPolicy; 1 isolated both ways, 0 flows listed.');
    expect(md).toContain('No flow with an isolated side.');
    expect(md).toContain('No workload may connect outside the cluster.');
    expect(md).toContain('No workload accepts connections from outside the cluster.');
    expect(md).not.toContain('Every workload open for egress');
    expect(md).not.toContain('CIDR blocks are not matched against pods');
  });

  test('Markdown: pods in namespaces outside the output, both ways', () => {
    const md = reachabilityMarkdown(
      analyzeReachability([
        workload('shop', 'web'),
        denyAll('shop'),
        policy('shop', 'web', {
          podSelector: labels({ app: 'web' }),
          ingress: [
            {
              from: [
                {
                  namespaceSelector: labels({ 'kubernetes.io/metadata.name': 'ingress-nginx' }),
                  podSelector: labels({ 'app.kubernetes.io/name': 'ingress-nginx' }),
                },
              ],
              ports: [{ port: 'http' }],
            },
          ],
          egress: [
            {
              to: [
                {
                  namespaceSelector: labels({ 'kubernetes.io/metadata.name': 'kube-system' }),
                  podSelector: labels({ 'k8s-app': 'kube-dns' }),
                },
              ],
              ports: [{ protocol: 'UDP', port: 53 }],
            },
          ],
        }),
      ]),
    );
    expect(md).toContain(
      '### Ingress from pods in namespaces outside this output\n\n| Workload | Namespace | Pods | Ports |\n|---|---|---|---|\n' +
        '| `shop/Deployment/web` | ingress-nginx | `app.kubernetes.io/name=ingress-nginx` | TCP 8080 |\n',
    );
    expect(md).toContain(
      '### Egress to pods in namespaces outside this output\n\n| Workload | Namespace | Pods | Ports |\n|---|---|---|---|\n' +
        '| `shop/Deployment/web` | kube-system | `k8s-app=kube-dns` | UDP 53 |\n',
    );
    const none = reachabilityMarkdown(analyzeReachability([workload('shop', 'web'), denyAll('shop')]));
    expect(none).toContain('No rule admits pods from a namespace outside this output.');
    expect(none).toContain('No rule lets a workload reach pods in a namespace outside this output.');
  });

  test('both reports are pure: the same report renders identically twice', () => {
    expect(reachabilityJson(report)).toBe(reachabilityJson(analyzeReachability([...objects].reverse())));
    expect(reachabilityMarkdown(report)).toBe(reachabilityMarkdown(analyzeReachability([...objects].reverse())));
  });
});
