/**
 * Generates lib/review/rbac-data/bootstrap-roles-1.37.json, the ClusterRoles every cluster starts
 * with (kube-apiserver's bootstrap policy), from what the api-server test peer (kube-apiserver
 * of k8s.io/kubernetes v1.37.2, with kube-controller-manager's aggregation controller) serves:
 *
 *   node --import tsx scripts/generate-bootstrap-roles.ts          (writes the file)
 *   node --import tsx scripts/generate-bootstrap-roles.ts --check  (exit 1 if it differs)
 *
 * Needs the peer (`bash scripts/install-peers.sh`). test/review/bootstrap-roles.test.ts
 * regenerates it the same way, fails on any drift, and checks that the review's own
 * aggregation gives admin, edit and view exactly the rules the controller gave them.
 *
 * The reduction keeps, per ClusterRole, its aggregation labels, its aggregationRule and its
 * own rules; an aggregated ClusterRole's rules are left out (the review gathers them from the
 * others, as the controller does). Other labels and metadata are dropped.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
/** The file the review loads. */
export const BOOTSTRAP_ROLES_FILE = path.join(ROOT, 'lib/review/rbac-data/bootstrap-roles-1.37.json');
const PEER = path.join(ROOT, '.tools/bin/api-server');
const GENERATOR = 'node --import tsx scripts/generate-bootstrap-roles.ts';
/** The labels that make a ClusterRole part of an aggregated one. */
const AGGREGATION_LABEL = /^rbac\.authorization\.k8s\.io\/aggregate-to-/;

/** A PolicyRule as the server serves it. */
export interface ServedRule {
  readonly apiGroups?: string[];
  readonly resources?: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
  readonly nonResourceURLs?: string[];
}

/** A ClusterRole as the peer's --dump-rbac writes it. */
export interface ServedClusterRole {
  readonly name: string;
  readonly labels?: Record<string, string>;
  readonly aggregationRule?: { readonly clusterRoleSelectors: Array<Record<string, unknown>> };
  readonly rules: ServedRule[];
}

/** Runs the peer with --dump-rbac; returns the ClusterRoles it serves, the dump's text and the server's version. */
export function dumpFromServer(): { server: string; text: string; clusterRoles: ServedClusterRole[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbac-'));
  try {
    const run = spawnSync(PEER, ['--dump-rbac', dir], { encoding: 'utf8', timeout: 240_000 });
    if (run.status !== 0) throw new Error(`api-server --dump-rbac exited ${run.status}:\n${run.stderr.split('\n').slice(-10).join('\n')}`);
    const text = fs.readFileSync(path.join(dir, 'clusterroles.json'), 'utf8');
    const dump = JSON.parse(text) as { server: string; clusterRoles: ServedClusterRole[] };
    return { server: dump.server, text, clusterRoles: dump.clusterRoles };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Reduces the dump to the data file's text. */
export function reduceClusterRoles(server: string, text: string, clusterRoles: readonly ServedClusterRole[]): string {
  const header = {
    source: `kube-apiserver of k8s.io/kubernetes ${server} (test/peers/api-server --dump-rbac): its ${clusterRoles.length} bootstrap ClusterRoles after aggregation`,
    generator: GENERATOR,
    inputSha256: createHash('sha256').update(text).digest('hex'),
    license:
      'Apache-2.0: derived from the bootstrap RBAC policy of Kubernetes, Copyright The Kubernetes Authors (https://github.com/kubernetes/kubernetes)',
    format:
      'name: {labels (aggregate-to-* only), aggregationRule, rules}. An aggregated ClusterRole has no rules here: ' +
      'it holds those of the ClusterRoles its selectors match, as the aggregation controller gives them.',
  };
  const roles = [...clusterRoles]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((role) => {
      const labels = Object.fromEntries(
        Object.entries(role.labels ?? {})
          .filter(([key]) => AGGREGATION_LABEL.test(key))
          .sort(),
      );
      const entry = {
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(role.aggregationRule ? { aggregationRule: role.aggregationRule } : {}),
        rules: role.aggregationRule ? [] : role.rules.map(compactRule),
      };
      return `    ${JSON.stringify(role.name)}: ${JSON.stringify(entry)}`;
    });
  const lines = [
    ...Object.entries(header).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`),
    '  "clusterRoles": {',
    roles.join(',\n'),
    '  }',
  ];
  return `{\n${lines.join('\n')}\n}\n`;
}

/** A rule with its lists in a fixed key order and empty lists left out. */
function compactRule(rule: ServedRule): ServedRule {
  const keys = ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs', 'verbs'] as const;
  return Object.fromEntries(keys.flatMap((key) => (rule[key]?.length ? [[key, rule[key]]] : []))) as unknown as ServedRule;
}

/** The data file's text, regenerated from the peer, and the dump it came from. */
export function generateBootstrapRoles(): { text: string; served: ServedClusterRole[] } {
  const { server, text, clusterRoles } = dumpFromServer();
  return { text: reduceClusterRoles(server, text, clusterRoles), served: clusterRoles };
}

if (require.main === module) {
  const { text } = generateBootstrapRoles();
  const relative = path.relative(ROOT, BOOTSTRAP_ROLES_FILE);
  if (process.argv.includes('--check')) {
    const same = fs.existsSync(BOOTSTRAP_ROLES_FILE) && fs.readFileSync(BOOTSTRAP_ROLES_FILE, 'utf8') === text;
    process.stdout.write(same ? `${relative} is up to date\n` : `${relative} differs from what the server serves: run ${GENERATOR}\n`);
    process.exitCode = same ? 0 : 1;
  } else {
    fs.mkdirSync(path.dirname(BOOTSTRAP_ROLES_FILE), { recursive: true });
    fs.writeFileSync(BOOTSTRAP_ROLES_FILE, text);
    process.stdout.write(`wrote ${relative} (${text.length} bytes)\n`);
  }
}
