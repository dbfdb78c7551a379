/**
 * The permissions report as text: pure and deterministic (no dates, stable order), so the
 * same manifests always give byte-identical output that diffs well in pull requests.
 */
import { grantLabel, PermissionScope, PermissionsReport } from './permissions';
import { code, table } from '../../core/markdown';

/** Version of the JSON layout; raised when a field changes meaning or disappears. */
export const PERMISSIONS_FORMAT_VERSION = 2;

/** The report as JSON with 2-space indentation and a final newline, after an `analysis` and a `formatVersion` field. */
export function permissionsJson(report: PermissionsReport): string {
  return (
    JSON.stringify(
      {
        analysis: 'permissions',
        formatVersion: PERMISSIONS_FORMAT_VERSION,
        counts: report.counts,
        subjects: report.subjects,
        aggregated: report.aggregated,
        warnings: report.warnings,
      },
      null,
      2,
    ) + '\n'
  );
}

/**
 * A `## Permissions` Markdown section: a summary line, the grants table (Subject | Scope |
 * Resource | Verbs), the risky powers table (Subject | Scope | Power | Why), the escalation
 * powers table (Subject | Scope | Power | What it allows), the roles neither the app nor
 * Kubernetes defines, the aggregated ClusterRoles and the warnings.
 */
export function permissionsMarkdown(report: PermissionsReport): string {
  const risky = report.subjects.filter((s) => s.risks.length > 0).length;
  const escalating = report.subjects.filter((s) => s.escalations.length > 0).length;
  const unresolved = report.subjects.flatMap((s) => s.unresolved.map((u) => [code(s.subject), scope(u), code(u.role), code(u.via)]));
  const lines = [
    '## Permissions',
    '',
    `${count(report.subjects.length, 'subject')} from ${count(report.counts.bindings, 'binding')} and ${count(report.counts.roles, 'role')}; ` +
      `${count(risky, 'subject')} with a risky power, ${count(escalating, 'subject')} with an escalation power; ${count(unresolved.length, 'grant')} of a role not in the app or Kubernetes.`,
    '',
    '### Grants',
    '',
  ];
  const grants = report.subjects.flatMap((s) => s.grants.map((g) => [code(s.subject), scope(g), code(grantLabel(g)), g.verbs.join(', ')]));
  lines.push(
    ...(grants.length === 0
      ? ['No subject is granted anything by the roles of the app.']
      : table(['Subject', 'Scope', 'Resource', 'Verbs'], grants)),
  );
  lines.push('', '### Risky powers', '');
  const risks = report.subjects.flatMap((s) =>
    s.risks.map((r) => [code(s.subject), scope(r), code(r.power), `${r.why} Through: ${r.grants.join('; ')}.`]),
  );
  lines.push(...(risks.length === 0 ? ['No subject holds a risky power.'] : table(['Subject', 'Scope', 'Power', 'Why'], risks)));
  lines.push(
    '',
    '### Escalation powers',
    '',
    'Powers that reach further than their names (see docs/rbac.md): each is refused by the constructs without an exception naming it.',
    '',
  );
  const escalations = report.subjects.flatMap((s) =>
    s.escalations.map((e) => [code(s.subject), scope(e), code(e.power), `Lets it ${e.what}. Through: ${e.grants.join('; ')}.`]),
  );
  lines.push(
    ...(escalations.length === 0
      ? ['No subject holds an escalation power.']
      : table(['Subject', 'Scope', 'Power', 'What it allows'], escalations)),
  );
  if (unresolved.length > 0) {
    lines.push(
      '',
      '### Roles not in the app',
      '',
      'These bindings grant roles neither the app nor Kubernetes defines (roles created elsewhere); what they allow is not in the tables above.',
      '',
      ...table(['Subject', 'Scope', 'Role', 'Binding'], unresolved),
    );
  }
  if (report.aggregated.length > 0) {
    lines.push(
      '',
      '### Aggregated ClusterRoles',
      '',
      'Resolved among the ClusterRoles of the app and the built-in ones: ClusterRoles created elsewhere in the cluster with matching labels add to them.',
      '',
    );
    for (const a of report.aggregated) {
      const from = a.from.length ? `aggregates ${a.from.map(code).join(', ')}` : 'aggregates no ClusterRole of the app';
      lines.push(`- ${code(a.clusterRole)} ${from}${a.problems.length ? `; ${a.problems.join('; ')}` : ''}.`);
    }
  }
  if (report.warnings.length > 0) lines.push('', '### Warnings', '', ...report.warnings.map((w) => `- ${w}.`));
  return lines.join('\n') + '\n';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function scope(item: { readonly scope: PermissionScope; readonly namespace?: string }): string {
  return item.scope === 'cluster' ? 'cluster' : `namespace ${code(item.namespace ?? '')}`;
}
