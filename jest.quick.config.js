/**
 * `npm run test:quick`: the fast loop, every suite except those that need the test peers in
 * .tools/ (Go programs around upstream code, kubeseal, promtool, and our peers' registry metadata in
 * npm's cache, which scripts/ensure-test-peers.js installs before `npm test`). The one list of those suites;
 * test/scripts/test-peers.test.ts fails when a suite that uses a peer is missing from it.
 * `node jest.quick.config.js` prints the line test:quick starts with.
 */
const base = require('./jest.config');

/** The suites that need a test peer, relative to the repository. */
const PEER_SUITES = [
  'test/adoption.test.ts',
  'test/addons/helm-render.test.ts',
  'test/app/admission-policies-server.test.ts',
  'test/app/api-server.test.ts',
  'test/app/escalation-powers-server.test.ts',
  'test/cluster/upstream-loaders.test.ts',
  'test/monitoring/audit-log-shipper-run.test.ts',
  'test/monitoring/promtool.test.ts',
  'test/review/admission-server.test.ts',
  'test/review/analyses/cyclonus.test.ts',
  'test/review/bootstrap-roles.test.ts',
  'test/review/kubectl-fuzz.test.ts',
  'test/review/kubectl-yaml.test.ts',
  'test/review/kubernetes-schema.test.ts',
  'test/review/object-schema-crd-server.test.ts',
  'test/review/object-schema-server.test.ts',
  'test/review/pod-security-server.test.ts',
  'test/secrets/kubeseal.test.ts',
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/', ...PEER_SUITES.map((suite) => `^<rootDir>/${escape(suite)}$`)],
};

if (require.main === module) {
  const names = PEER_SUITES.map((suite) => suite.replace(/^test\//, '').replace(/\.test\.ts$/, ''));
  console.log(`test:quick leaves out the ${PEER_SUITES.length} suites that need the test peers (npm test runs them): ${names.join(', ')}`);
}
