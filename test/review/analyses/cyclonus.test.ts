/**
 * The reachability analysis against an implementation of the NetworkPolicy semantics that is
 * not ours: cyclonus's matcher (test/peers/netpol-truth; the engine of SIG Network's
 * policy-assistant and of cyclonus's CNI conformance runs). The naive reference of
 * reference.test.ts was written by us and could share our reading of the API; this one was not.
 *
 * On the same random apps: every ordered pair of workloads, on every port a container of the
 * destination declares (by number, with its name) and on probe ports no container declares,
 * and every workload toward and from addresses outside the cluster (in the blocks the
 * policies name, in their exceptions, in none). Pods get addresses outside every block,
 * as the analysis never matches blocks against pods (pod IPs are unknown before deployment).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { KubeObject } from '../../../lib/review/model';
import { PortSet, Protocol } from '../../../lib/review/analyses/port-set';
import { analyzeReachability, externalPorts, portsBetween } from '../../../lib/review/analyses/reachability';
import { withInstalledTool } from '../../support';
import { Pod, randomApp } from './builders';

const ROOT = path.resolve(__dirname, '../../..');
const PEER = path.join(ROOT, '.tools/bin/netpol-truth');
const APPS = 1000;
/** Ports asked about besides those the destination declares. */
const PROBES: readonly [Protocol, number][] = [
  ['TCP', 8000],
  ['TCP', 8050],
  ['TCP', 8100],
  ['TCP', 9999],
  ['UDP', 53],
  ['TCP', 53],
  ['UDP', 8000],
  ['SCTP', 8000],
];
/** Addresses outside the cluster: in the policies' blocks, in their exceptions, and in none (see IP_BLOCKS). */
const ADDRESSES = ['10.1.2.3', '10.2.3.4', '203.0.113.9', '198.51.100.10', '198.51.100.70', '192.0.2.1'];

interface Peer {
  readonly namespace?: string;
  readonly namespaceLabels?: Record<string, string>;
  readonly podLabels?: Record<string, string>;
  readonly ip: string;
}
interface Query {
  readonly source: Peer;
  readonly destination: Peer;
  readonly port: number;
  readonly portName: string;
  readonly protocol: Protocol;
}
/**
 * A connection, and what our analysis answers. A port that containers declare under several
 * names is one port to the network (a CNI resolves a named port to its number): cyclonus is
 * asked once per name, and allows the connection when it allows any of them.
 */
interface Asked {
  readonly queries: readonly Query[];
  readonly ours: boolean;
  readonly what: string;
}

/** Every question of one random app, with our answers. */
function questions(seed: number): { policies: KubeObject[]; asked: Asked[] } {
  const { objects, pods } = randomApp(seed);
  const report = analyzeReachability(objects);
  const declared = new Map(
    objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata!.name!, (o.metadata!.labels ?? {}) as Record<string, string>]),
  );
  const podPeer = (pod: Pod, i: number): Peer => ({
    namespace: pod.ns,
    namespaceLabels: { ...declared.get(pod.ns), 'kubernetes.io/metadata.name': pod.ns },
    podLabels: Object.fromEntries(pod.labels),
    ip: `192.168.0.${i + 1}`,
  });
  const allows = (ports: readonly string[], protocol: Protocol, port: number) =>
    !PortSet.parse(ports).intersect(PortSet.of(protocol, port)).isEmpty();
  /** The ports a pod declares, each with all its names, then the probe ports it does not declare (no name). */
  const portsOf = (pod: Pod): [Protocol, number, string[]][] => {
    const declared = new Map<string, [Protocol, number, string[]]>();
    for (const p of pod.ports) {
      const key = `${p.protocol} ${p.containerPort}`;
      if (!declared.has(key)) declared.set(key, [p.protocol, p.containerPort, []]);
      declared.get(key)![2].push(p.name);
    }
    return [
      ...declared.values(),
      ...PROBES.filter(([protocol, port]) => !declared.has(`${protocol} ${port}`)).map(([protocol, port]): [Protocol, number, string[]] => [
        protocol,
        port,
        [''],
      ]),
    ];
  };
  const asked: Asked[] = [];
  pods.forEach((source, s) =>
    pods.forEach((destination, d) => {
      const ports = portsBetween(report, source.id, destination.id);
      for (const [protocol, port, names] of portsOf(destination)) {
        asked.push({
          queries: names.map((portName) => ({
            source: podPeer(source, s),
            destination: podPeer(destination, d),
            port,
            portName,
            protocol,
          })),
          ours: allows(ports, protocol, port),
          what: `${source.id} -> ${destination.id} ${protocol} ${port} (${names.join(', ')}): we allow ${ports.join(', ') || 'nothing'}`,
        });
      }
    }),
  );
  pods.forEach((pod, i) => {
    for (const ip of ADDRESSES) {
      const egress = externalPorts(report, pod.id, 'egress', ip);
      for (const [protocol, port] of PROBES) {
        asked.push({
          queries: [{ source: podPeer(pod, i), destination: { ip }, port, portName: '', protocol }],
          ours: allows(egress, protocol, port),
          what: `${pod.id} -> ${ip} ${protocol} ${port}: we allow ${egress.join(', ') || 'nothing'}`,
        });
      }
      const ingress = externalPorts(report, pod.id, 'ingress', ip);
      for (const [protocol, port, names] of portsOf(pod)) {
        asked.push({
          queries: names.map((portName) => ({ source: { ip }, destination: podPeer(pod, i), port, portName, protocol })),
          ours: allows(ingress, protocol, port),
          what: `${ip} -> ${pod.id} ${protocol} ${port} (${names.join(', ')}): we allow ${ingress.join(', ') || 'nothing'}`,
        });
      }
    }
  });
  return { policies: objects.filter((o) => o.kind === 'NetworkPolicy'), asked };
}

withInstalledTool(PEER, 'reachability proof against cyclonus', 'scripts/install-peers.sh', () => {
  test(`the analysis answers as cyclonus's NetworkPolicy matcher does on ${APPS} random apps`, () => {
    const cases = Array.from({ length: APPS }, (_, i) => questions(i + 1));
    const input = JSON.stringify({ cases: cases.map((c) => ({ policies: c.policies, queries: c.asked.flatMap((a) => a.queries) })) });
    const run = spawnSync(PEER, [], { input, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
    if (run.status !== 0) throw new Error(`netpol-truth exited ${run.status}: ${run.stderr}`);
    const answers = JSON.parse(run.stdout) as { allowed: boolean }[][];
    const mismatches: string[] = [];
    let allowed = 0;
    let total = 0;
    cases.forEach((c, i) => {
      let next = 0;
      for (const a of c.asked) {
        const theirs = answers[i].slice(next, (next += a.queries.length)).some((answer) => answer.allowed);
        total++;
        if (theirs) allowed++;
        if (theirs !== a.ours) mismatches.push(`app ${i + 1}: ${a.what}; cyclonus ${theirs ? 'allows' : 'denies'}`);
      }
    });
    expect(mismatches.slice(0, 20)).toEqual([]);
    // Both answers are common: the comparison is not one-sided.
    expect(allowed).toBeGreaterThan(total * 0.1);
    expect(total - allowed).toBeGreaterThan(total * 0.1);
  });
});
