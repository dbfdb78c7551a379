/**
 * Entry points: LoadBalancer and NodePort Services, externalIPs, host-network pods and host
 * ports accept connections from outside the cluster without any ipBlock rule, and the report
 * lists them (REVIEW.md no longer says nothing accepts outside connections).
 */
import { analyzeReachability } from '../../../lib/review/analyses/reachability';
import { reachabilityMarkdown } from '../../../lib/review/analyses/reachability-report';
import { KubeObject } from '../../../lib/review/model';
import { namespace, policy, workload } from './builders';

const service = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop' },
  spec: { selector: { app: 'web' }, ports: [{ port: 443, targetPort: 8080 }], ...spec },
});
const closed = [namespace('shop'), policy('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })];

test('a ClusterIP Service is no entry point; the markdown then says nothing accepts outside connections', () => {
  const report = analyzeReachability([...closed, workload('shop', 'web'), service('web', { type: 'ClusterIP' })]);
  expect(report.entryPoints).toEqual([]);
  expect(reachabilityMarkdown(report)).toContain('No workload accepts connections from outside the cluster.');
});

test('LoadBalancer, NodePort, externalIPs, hostNetwork and hostPort are listed with their workloads and ports', () => {
  const hostPorted = workload('shop', 'agent', { ports: [{ containerPort: 9100 }] });
  (hostPorted as any).spec.template.spec.containers[0].ports[0].hostPort = 9100;
  const report = analyzeReachability([
    ...closed,
    workload('shop', 'web'),
    workload('shop', 'node-dns', { kind: 'DaemonSet', hostNetwork: true, ports: [{ containerPort: 53, protocol: 'UDP' }] }),
    hostPorted,
    service('public', { type: 'LoadBalancer' }),
    service('nodes', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] }),
    service('pinned', { type: 'ClusterIP', externalIPs: ['203.0.113.7'] }),
    service('stale', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, selector: { app: 'gone' } }),
  ]);
  expect(report.entryPoints).toEqual([
    { via: 'LoadBalancer Service shop/public', workloads: ['shop/Deployment/web'], ports: ['TCP 443'] },
    { via: 'LoadBalancer Service shop/stale', workloads: [], ports: ['TCP 443'] },
    { via: 'NodePort of Service shop/nodes', workloads: ['shop/Deployment/web'], ports: ['TCP 30080'] },
    { via: 'NodePort of Service shop/public', workloads: ['shop/Deployment/web'], ports: ['TCP 443 (node port allocated)'] },
    { via: 'externalIPs 203.0.113.7 of Service shop/pinned', workloads: ['shop/Deployment/web'], ports: ['TCP 443'] },
    { via: 'hostNetwork', workloads: ['shop/DaemonSet/node-dns'], ports: ['UDP 53'] },
    { via: 'hostPort', workloads: ['shop/Deployment/agent'], ports: ['TCP 9100'] },
  ]);
  const markdown = reachabilityMarkdown(report);
  expect(markdown).not.toContain('No workload accepts connections from outside the cluster.');
  expect(markdown).toContain('| LoadBalancer Service shop/public | `shop/Deployment/web` | TCP 443 |');
  expect(markdown).toContain('| LoadBalancer Service shop/stale | no workload of this output | TCP 443 |');
});

test('entry points change nothing else of the analysis', () => {
  const objects = [...closed, workload('shop', 'web'), workload('shop', 'api')];
  const before = analyzeReachability(objects);
  const after = analyzeReachability([...objects, service('public', { type: 'LoadBalancer' })]);
  expect({ ...after, entryPoints: [] }).toEqual(before);
});
