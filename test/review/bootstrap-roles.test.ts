/**
 * The review's built-in ClusterRoles (lib/review/rbac-data/bootstrap-roles-1.37.json) are what
 * kube-apiserver v1.37 creates: regenerated from the api-server peer, they must equal the file,
 * and the review's own aggregation must give admin, edit and view exactly the rules
 * kube-controller-manager's aggregation controller gave them on that server.
 */
import * as fs from 'node:fs';
import { BOOTSTRAP_ROLES_FILE, generateBootstrapRoles } from '../../scripts/generate-bootstrap-roles';
import { RbacIndex } from '../../lib/review/analyses/permissions-rbac';
import { BUILT_IN_CLUSTER_ROLES, isBuiltInClusterRole } from '../../lib/review/rbac-data/built-in-roles';
import { API_SERVER_PEER, SERVER_TIMEOUT } from '../api-server-peer';
import { withInstalledTool } from '../support';

const committed = JSON.parse(fs.readFileSync(BOOTSTRAP_ROLES_FILE, 'utf8'));

test('the built-in roles file says where it comes from, under which licence, and holds the roles people bind', () => {
  expect(committed.source).toMatch(/^kube-apiserver of k8s\.io\/kubernetes v1\.37\.2 .*--dump-rbac/);
  expect(committed.generator).toBe('node --import tsx scripts/generate-bootstrap-roles.ts');
  expect(committed.inputSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(committed.license).toMatch(/^Apache-2\.0/);
  for (const name of [
    'cluster-admin',
    'admin',
    'edit',
    'view',
    'system:aggregate-to-edit',
    'system:controller:generic-garbage-collector',
  ]) {
    expect(isBuiltInClusterRole(name)).toBe(true);
  }
  expect(isBuiltInClusterRole('platform-admin')).toBe(false);
  expect(BUILT_IN_CLUSTER_ROLES.find((r) => r.metadata!.name === 'view')!.aggregationRule).toEqual({
    clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }],
  });
});

withInstalledTool(API_SERVER_PEER, 'Built-in roles drift check against kube-apiserver', 'scripts/install-peers.sh', () => {
  test(
    "regenerated from the server, the file is unchanged, and our aggregation gives admin, edit and view the controller's rules",
    () => {
      const { text, served } = generateBootstrapRoles();
      expect(text).toBe(fs.readFileSync(BOOTSTRAP_ROLES_FILE, 'utf8'));
      const index = new RbacIndex([]);
      const canonical = (rule: any) =>
        JSON.stringify(['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs', 'verbs'].map((key) => rule[key] ?? []));
      for (const name of ['admin', 'edit', 'view']) {
        const ours = index.rulesOf({ kind: 'ClusterRole', name }, undefined)!.map(({ rule }) => canonical(rule));
        const controllers = served.find((r) => r.name === name)!.rules.map(canonical);
        expect(controllers.length).toBeGreaterThan(5);
        expect(new Set(ours)).toEqual(new Set(controllers));
      }
    },
    SERVER_TIMEOUT,
  );
});
