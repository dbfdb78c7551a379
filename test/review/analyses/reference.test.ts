/**
 * The indexed analysis against a naive reference: random small apps, every ordered pair
 * judged one at a time straight from the NetworkPolicy text. Both must agree on every pair,
 * whichever path (egress walk, ingress walk, open sources) the analysis took.
 */
import { KubeObject } from '../../../lib/review/model';
import { parseNetworkPolicy, PolicyRule } from '../../../lib/review/analyses/network-policy';
import { PortSet } from '../../../lib/review/analyses/port-set';
import { analyzeReachability, portsBetween } from '../../../lib/review/analyses/reachability';
import { Labels, Selector, selectorMatches } from '../../../lib/review/analyses/selectors';
import { Pod, randomApp } from './builders';

/** Judges one pair from the policy text: the source's egress AND the destination's ingress. */
function reference(objects: readonly KubeObject[], nsLabels: (ns: string) => Labels) {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map(parseNetworkPolicy);
  const matches = (selector: Selector | undefined, labels: Labels) => !selector || selectorMatches(selector, labels);
  const peerMatches = (rule: PolicyRule, policyNs: string, peer: Pod) =>
    rule.peers === 'any' ||
    rule.peers.some(
      (p) =>
        p.type === 'pods' &&
        (p.namespaceSelector ? matches(p.namespaceSelector, nsLabels(peer.ns)) : peer.ns === policyNs) &&
        matches(p.podSelector, peer.labels),
    );
  const ports = (rule: PolicyRule, destination: Pod) =>
    rule.ports.named.reduce(
      (set, { protocol, name }) =>
        destination.ports
          .filter((p) => p.name === name && p.protocol === protocol)
          .reduce((s, p) => s.union(PortSet.of(protocol, p.containerPort)), set),
      rule.ports.numeric,
    );
  const side = (direction: 'ingress' | 'egress', self: Pod, peer: Pod, destination: Pod): PortSet => {
    const selecting = policies.filter((p) => p.namespace === self.ns && selectorMatches(p.podSelector, self.labels) && p[direction]);
    if (selecting.length === 0) return PortSet.ALL;
    return selecting
      .flatMap((p) => p[direction]!.filter((rule) => peerMatches(rule, p.namespace, peer)))
      .reduce((set, rule) => set.union(ports(rule, destination)), PortSet.NONE);
  };
  return (s: Pod, d: Pod) =>
    side('egress', s, d, d)
      .intersect(side('ingress', d, s, d))
      .render();
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
