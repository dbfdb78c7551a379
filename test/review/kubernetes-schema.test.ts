/**
 * The review's schema of the Kubernetes API (lib/review/schema/kubernetes-1.37.json) is what
 * kube-apiserver v1.37 serves: regenerated from the api-server peer, it must equal the file.
 */
import * as fs from 'node:fs';
import { generateSchema, SCHEMA_FILE } from '../../scripts/generate-kubernetes-schema';
import { API_SERVER_PEER, SERVER_TIMEOUT } from '../api-server-peer';
import { withInstalledTool } from '../support';

const committed = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));

test('the schema file says where it comes from, under which licence, and has every kind the review names', () => {
  expect(committed.source).toMatch(/^kube-apiserver of k8s\.io\/kubernetes v1\.37\.2 .*\/openapi\/v3/);
  expect(committed.generator).toBe('node --import tsx scripts/generate-kubernetes-schema.ts');
  expect(committed.inputSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(committed.license).toMatch(/^Apache-2\.0/);
  expect(Object.keys(committed.kinds.v1)).toEqual(
    expect.arrayContaining(['Pod', 'Service', 'Secret', 'ConfigMap', 'Namespace', 'ServiceAccount']),
  );
  expect(Object.keys(committed.kinds['apps/v1'])).toEqual(['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet']);
  expect(committed.kinds['extensions/v1beta1']).toBeUndefined();
});

withInstalledTool(API_SERVER_PEER, 'Schema drift check against kube-apiserver', 'scripts/install-peers.sh', () => {
  test(
    'regenerated from the server, the schema equals the committed file',
    () => {
      expect(generateSchema()).toBe(fs.readFileSync(SCHEMA_FILE, 'utf8'));
    },
    SERVER_TIMEOUT,
  );
});
