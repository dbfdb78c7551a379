/**
 * The reachability report as text: pure and deterministic (no dates, stable order), so the
 * same manifests always give byte-identical output that diffs well in pull requests.
 */
import { ExternalAccess, ExternalPeer, OutsideAccess, ReachabilityReport } from './reachability';
import { code, table } from '../../core/markdown';

/** Version of the JSON layout; raised when a field changes meaning or disappears. */
export const REACHABILITY_FORMAT_VERSION = 1;

/**
 * The report as JSON with 2-space indentation and a final newline, after an `analysis` and a
 * `formatVersion` field. Pairs of workloads that are both open are not listed as flows; see
 * `ReachabilityReport`.
 */
export function reachabilityJson(report: ReachabilityReport): string {
  return (
    JSON.stringify(
      {
        analysis: 'reachability',
        formatVersion: REACHABILITY_FORMAT_VERSION,
        workloads: report.workloads,
        policies: report.policies,
        open: report.open,
        flows: report.flows,
        external: report.external,
        outside: report.outside,
        entryPoints: report.entryPoints,
        warnings: report.warnings,
      },
      null,
      2,
    ) + '\n'
  );
}

/**
 * A `## Reachability` Markdown section: a line on open workloads, the flows table
 * (Source | Destination | Ports), the external egress and ingress tables, the tables of pods
 * in namespaces outside the output, and the warnings.
 */
export function reachabilityMarkdown(report: ReachabilityReport): string {
  const isolatedBoth = report.workloads.filter((w) => w.isolated.ingress && w.isolated.egress).length;
  const lines = [
    '## Reachability',
    '',
    `${count(report.workloads.length, 'workload')}, ${count(report.policies.length, 'NetworkPolicy', 'NetworkPolicies')}; ` +
      `${isolatedBoth} isolated both ways, ${count(report.flows.length, 'flow')} listed.`,
    '',
    `Not isolated for ingress (any source may connect): ${idList(report.open.ingress)}.`,
    '',
    `Not isolated for egress (may connect anywhere): ${idList(report.open.egress)}.`,
    '',
  ];
  if (report.open.ingress.length > 0 && report.open.egress.length > 0) {
    lines.push(
      'Every workload open for egress reaches every workload open for ingress on all ports; those pairs are not listed below.',
      '',
    );
  }
  lines.push('### Flows', '');
  lines.push(
    ...(report.flows.length === 0
      ? ['No flow with an isolated side.']
      : table(
          ['Source', 'Destination', 'Ports'],
          report.flows.map((f) => [code(f.from), code(f.to), f.ports.join(', ')]),
        )),
  );
  lines.push(
    '',
    '### Egress to outside the cluster',
    '',
    ...externalTable(report.external, 'egress', 'No workload may connect outside the cluster.'),
  );
  lines.push(
    '',
    '### Ingress from outside the cluster',
    '',
    ...externalTable(
      report.external,
      'ingress',
      report.entryPoints.length
        ? 'No NetworkPolicy rule admits addresses outside the cluster; the entry points below accept connections all the same.'
        : 'No workload accepts connections from outside the cluster.',
    ),
  );
  if (report.entryPoints.length) {
    lines.push(
      '',
      "Entry points from outside the cluster (the pods' NetworkPolicies still apply, except on the host network):",
      '',
      ...table(
        ['Entry point', 'Workloads', 'Ports'],
        report.entryPoints.map((e) => [
          e.via,
          e.workloads.length ? e.workloads.map(code).join(', ') : 'no workload of this output',
          e.ports.join(', '),
        ]),
      ),
    );
  }
  lines.push(
    '',
    '### Ingress from pods in namespaces outside this output',
    '',
    ...outsideTable(report.outside, 'ingress', 'No rule admits pods from a namespace outside this output.'),
  );
  lines.push(
    '',
    '### Egress to pods in namespaces outside this output',
    '',
    ...outsideTable(report.outside, 'egress', 'No rule lets a workload reach pods in a namespace outside this output.'),
  );
  if (report.external.some((e) => [...e.egress, ...e.ingress].some((peer) => peer.cidr !== 'any'))) {
    lines.push(
      '',
      'CIDR blocks are not matched against pods (their addresses are unknown before deployment); ' +
        'depending on the network plugin, a block that covers the pod network (such as `0.0.0.0/0`) may also reach pods.',
    );
  }
  if (report.warnings.length > 0) lines.push('', '### Warnings', '', ...report.warnings.map((w) => `- ${w}`));
  return lines.join('\n') + '\n';
}

function externalTable(external: readonly ExternalAccess[], direction: 'egress' | 'ingress', none: string): string[] {
  const rows = external.flatMap((e) =>
    e[direction].map((peer: ExternalPeer) => [
      code(e.workload),
      peer.cidr === 'any' ? 'any address' : code(peer.cidr),
      peer.except.length ? peer.except.map(code).join(', ') : '',
      peer.ports.join(', '),
    ]),
  );
  return rows.length === 0 ? [none] : table(['Workload', direction === 'egress' ? 'Destination' : 'Source', 'Except', 'Ports'], rows);
}

function outsideTable(outside: readonly OutsideAccess[], direction: 'egress' | 'ingress', none: string): string[] {
  const rows = outside.flatMap((o) =>
    o[direction].map((peer) => [
      code(o.workload),
      peer.namespaces,
      peer.pods === 'any pod' ? 'any pod' : code(peer.pods),
      peer.ports.join(', '),
    ]),
  );
  return rows.length === 0 ? [none] : table(['Workload', 'Namespace', 'Pods', 'Ports'], rows);
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function idList(ids: readonly string[]): string {
  return ids.length === 0 ? 'none' : ids.map(code).join(', ');
}
