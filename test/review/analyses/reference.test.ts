/**
 * The indexed analysis against a naive reference: random small apps, every ordered pair
 * judged one at a time straight from the NetworkPolicy text. Both must agree on every pair,
 * whichever path (egress walk, ingress walk, open sources) the analysis took.
 */
import { KubeObject } from '../../../lib/review/model';
import { parseNetworkPolicy, PolicyRule } from '../../../lib/review/analyses/network-policy';
import { PortSet, Protocol } from '../../../lib/review/analyses/port-set';
import { analyzeReachability, portsBetween } from '../../../lib/review/analyses/reachability';
import { Labels, Selector, selectorMatches } from '../../../lib/review/analyses/selectors';
import { namespace, policy, workload } from './builders';

interface Pod {
  readonly id: string;
  readonly ns: string;
  readonly labels: Labels;
  readonly ports: readonly { readonly name: string; readonly containerPort: number; readonly protocol: Protocol }[];
}

/** A deterministic pseudo-random source (so a failure reproduces). */
function random(seed: number) {
  let state = seed;
  const next = (n: number) => (state = (state * 1103515245 + 12345) % 2147483648) % n;
  return { next, pick: <T>(items: readonly T[]) => items[next(items.length)], chance: (percent: number) => next(100) < percent };
}

const NAMESPACES = ['a', 'b', 'c'];
const APPS = ['web', 'api', 'db'];
const TIERS = ['front', 'back'];
const PORT_NAMES = ['http', 'metrics', 'dns'];

function randomApp(seed: number): { objects: KubeObject[]; pods: Pod[] } {
  const r = random(seed);
  const objects: KubeObject[] = [];
  for (const ns of NAMESPACES) {
    // Some namespaces are not declared: they get only the automatic label.
    if (r.chance(80)) objects.push(namespace(ns, r.chance(60) ? { team: r.pick(['x', 'y']) } : {}));
  }
  const pods: Pod[] = [];
  for (let i = 0; i < 3 + r.next(8); i++) {
    const ns = r.pick(NAMESPACES);
    const labels: Record<string, string> = {};
    if (r.chance(85)) labels.app = r.pick(APPS);
    if (r.chance(50)) labels.tier = r.pick(TIERS);
    const ports = PORT_NAMES.filter(() => r.chance(50)).map((name) => ({
      name, containerPort: name === 'dns' ? 53 : 8000 + r.next(3) * 50, protocol: (name === 'dns' && r.chance(70) ? 'UDP' : 'TCP') as Protocol,
    }));
    const name = `w${i}`;
    objects.push(workload(ns, name, { labels, ports }));
    pods.push({ id: `${ns}/Deployment/${name}`, ns, labels: new Map(Object.entries(labels)), ports });
  }
  const selector = () => {
    const s: Record<string, unknown> = {};
    if (r.chance(50)) s.matchLabels = { app: r.pick(APPS) };
    if (r.chance(30)) {
      const operator = r.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
      s.matchExpressions = [{ key: 'tier', operator, ...(operator === 'In' || operator === 'NotIn' ? { values: [r.pick(TIERS)] } : {}) }];
    }
    return s;
  };
  const peer = () => {
    const kind = r.next(5);
    if (kind === 0) return { ipBlock: { cidr: '10.0.0.0/8' } };
    if (kind === 1) return { podSelector: selector() };
    if (kind === 2) return { namespaceSelector: r.chance(50) ? {} : { matchLabels: { team: r.pick(['x', 'y']) } } };
    return { podSelector: selector(), namespaceSelector: r.chance(50) ? {} : { matchLabels: { 'kubernetes.io/metadata.name': r.pick(NAMESPACES) } } };
  };
  const port = () => {
    const kind = r.next(5);
    if (kind === 0) return { port: r.pick(PORT_NAMES), ...(r.chance(30) ? { protocol: 'UDP' } : {}) };
    if (kind === 1) return { protocol: 'UDP', port: 53 };
    if (kind === 2) return { port: 8000, endPort: 8000 + r.next(3) * 50 };
    if (kind === 3) return { protocol: r.pick(['TCP', 'UDP']) };
    return { port: 8000 + r.next(3) * 50 };
  };
  const rules = (field: 'from' | 'to') => Array.from({ length: r.next(3) }, () => ({
    ...(r.chance(75) ? { [field]: Array.from({ length: 1 + r.next(2) }, peer) } : {}),
    ...(r.chance(70) ? { ports: Array.from({ length: 1 + r.next(2) }, port) } : {}),
  }));
  for (let i = 0; i < r.next(6); i++) {
    const types = r.pick([undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    objects.push(policy(r.pick(NAMESPACES), `p${i}`, {
      podSelector: selector(),
      ...(types ? { policyTypes: types } : {}),
      ...(r.chance(70) ? { ingress: rules('from') } : {}),
      ...(r.chance(60) ? { egress: rules('to') } : {}),
    }));
  }
  return { objects, pods };
}

/** Judges one pair from the policy text: the source's egress AND the destination's ingress. */
function reference(objects: readonly KubeObject[], nsLabels: (ns: string) => Labels) {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map(parseNetworkPolicy);
  const matches = (selector: Selector | undefined, labels: Labels) => !selector || selectorMatches(selector, labels);
  const peerMatches = (rule: PolicyRule, policyNs: string, peer: Pod) => rule.peers === 'any' || rule.peers.some((p) => p.type === 'pods'
    && (p.namespaceSelector ? matches(p.namespaceSelector, nsLabels(peer.ns)) : peer.ns === policyNs) && matches(p.podSelector, peer.labels));
  const ports = (rule: PolicyRule, destination: Pod) => rule.ports.named.reduce((set, { protocol, name }) => destination.ports
    .filter((p) => p.name === name && p.protocol === protocol)
    .reduce((s, p) => s.union(PortSet.of(protocol, p.containerPort)), set), rule.ports.numeric);
  const side = (direction: 'ingress' | 'egress', self: Pod, peer: Pod, destination: Pod): PortSet => {
    const selecting = policies.filter((p) => p.namespace === self.ns && selectorMatches(p.podSelector, self.labels) && p[direction]);
    if (selecting.length === 0) return PortSet.ALL;
    return selecting.flatMap((p) => p[direction]!.filter((rule) => peerMatches(rule, p.namespace, peer)))
      .reduce((set, rule) => set.union(ports(rule, destination)), PortSet.NONE);
  };
  return (s: Pod, d: Pod) => side('egress', s, d, d).intersect(side('ingress', d, s, d)).render();
}

describe('the analysis agrees with a naive pair-by-pair reference', () => {
  test.each(Array.from({ length: 300 }, (_, i) => [i + 1]))('random app %i', (seed) => {
    const { objects, pods } = randomApp(seed);
    const declared = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata!.name!, o.metadata!.labels ?? {}]));
    const nsLabels = (ns: string): Labels => new Map([...Object.entries(declared.get(ns) ?? {}), ['kubernetes.io/metadata.name', ns]]);
    const judge = reference(objects, nsLabels);
    const report = analyzeReachability(objects);
    for (const s of pods) {
      for (const d of pods) {
        expect([s.id, d.id, portsBetween(report, s.id, d.id)]).toEqual([s.id, d.id, judge(s, d)]);
      }
    }
  });
});
