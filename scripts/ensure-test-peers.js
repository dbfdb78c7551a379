#!/usr/bin/env node
// Installs what the proofs against real tools need into .tools/, before `npm test` runs them
// (`npm run test:peers` runs it alone). Each step is an install script that does nothing when its
// pinned version is already there, so on an installed machine this costs a fraction of a second:
//
//   kubeseal        Bitnami Sealed Secrets' CLI, built from the Go module proxy at a pinned version
//                   (scripts/install-kubeseal.sh): test/secrets/kubeseal.test.ts proves our
//                   SealedSecrets against the real tool.
//   promtool        Prometheus' rule checker and unit-test runner, built from the Go module proxy at a
//                   pinned version (scripts/install-promtool.sh): test/monitoring/promtool.test.ts checks
//                   the security alerts and runs a firing and a quiet series through each.
//   test/peers/*    Go programs around upstream Kubernetes code, each pinned by its go.mod
//                   (scripts/install-peers.sh): kubectl's YAML reading, judge of the review's reader;
//                   the API server's, kubeadm's and the kubelet's configuration loaders, judges of the
//                   control-plane files; kube-apiserver itself on an embedded etcd, on which the whole
//                   output is created (test/app/api-server.test.ts); cyclonus's NetworkPolicy matcher,
//                   judge of the reachability analysis; Helm's template rendering (helm.sh/helm/v4), judge of
//                   the charts rendered into vendor/addons/*/rendered.yaml (test/addons/helm-render.test.ts);
//                   the OpenTelemetry Collector, judge of the audit log shipper's configuration, run on an
//                   audit log (test/monitoring/audit-log-shipper-run.test.ts).
//   (No CRDs: those of the custom resources we emit come from the add-ons' releases vendored in
//   vendor/addons, checked against their SOURCE.json, and need no install.)
//
// (The upstream Pod Security fixtures are not installed: they are read in place from
// ../shared/fixtures/pod-security-admission, never copied into the repository.)
//
// One line per step; a step's own output is shown only when it fails. Needs Go and, the first
// time, the Go module proxy and the npm registry; a missing prerequisite fails with what is missing and how to get it.
// The suites that use these are listed in jest.quick.config.js (`npm run test:quick` leaves them out).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/**
 * How long each step takes on a machine where it has never run, measured here (2 cores, other
 * tests running): the Go builds with the modules already downloaded and Go's build cache empty,
 * in this order (later builds reuse what earlier ones compiled; with the cache warm each takes
 * 4 to 15 s), the fixtures with their downloads. Downloading the builds' modules (zips of
 * about 240 MB) comes on top, once.
 */
const COLD = {
  kubeseal: '~1 min',
  promtool: '~2.5 min',
  'kubectl-yaml': '~30 s',
  'netpol-truth': '~1 min',
  'cluster-config': '~2 min',
  'api-server': '~2 min',
  'helm-render': '~2 min',
  otelcol: '~2 min',
  'npm metadata': '~5 s',
};

/** Known steps in COLD's order (smaller builds first: a missing prerequisite shows soonest), new peers last. */
const rank = (name) => (name in COLD ? Object.keys(COLD).indexOf(name) : Infinity);

/** The steps, in order: a name, the install script (bash, or node for .js) and its arguments. */
function steps() {
  const peers = fs
    .readdirSync(path.join(ROOT, 'test/peers'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return [
    { name: 'kubeseal', script: 'install-kubeseal.sh', args: [] },
    { name: 'promtool', script: 'install-promtool.sh', args: [] },
    ...peers.map((peer) => ({ name: peer, script: 'install-peers.sh', args: [peer] })),
    { name: 'npm metadata', script: 'cache-peer-metadata.js', args: [] },
  ];
}

/** How a step's script runs. */
const interpreter = (step) => (step.script.endsWith('.js') ? 'node' : 'bash');

/** Whether `command` is an executable file in a folder of PATH. */
function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir || '.', command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** What Go prints when it cannot reach the module proxy (or may not). */
const UNREACHABLE =
  /dial tcp|no such host|connection refused|i\/o timeout|network is unreachable|TLS handshake timeout|GOPROXY=off|proxyconnect/;

/** The one message for a failed step: what is missing and how to get it. */
function diagnose(step, output) {
  const command = `${interpreter(step)} scripts/${[step.script, ...step.args].join(' ')}`;
  if (interpreter(step) === 'node') {
    return [
      `${step.name}: ${command} failed (its output is above). It needs the npm registry once (npm config get registry);`,
      'connect this machine to it, then run npm test again. Later runs need no network.',
    ].join('\n');
  }
  if (!onPath('go')) {
    return [
      `npm test needs Go for its test peers (step ${step.name}), and there is no \`go\` on PATH.`,
      'Install Go 1.26 or newer (https://go.dev/doc/install, or your package manager), put its bin folder on PATH,',
      'then run npm test again. `npm run test:quick` runs the tests that need no peer meanwhile.',
    ].join('\n');
  }
  if (UNREACHABLE.test(output)) {
    const proxy = spawnSync('go', ['env', 'GOPROXY'], { encoding: 'utf8' }).stdout.trim();
    return [
      `${step.name}: the Go module proxy (GOPROXY=${proxy}) cannot be reached, and the modules are not in Go's module cache yet.`,
      'Connect this machine to the network (or set GOPROXY to a proxy it can reach: go env -w GOPROXY=URL),',
      `then run npm test again (or ${command} alone). It downloads once; later runs need no network.`,
    ].join('\n');
  }
  return `${step.name}: ${command} failed (its output is above); run it alone to see it again.`;
}

function main() {
  const all = steps();
  for (const [index, step] of all.entries()) {
    process.stdout.write(`test peers ${index + 1}/${all.length}: ${step.name} (${COLD[step.name] ?? 'a few min'} on a cold machine) ... `);
    const start = Date.now();
    const run = spawnSync(interpreter(step), [path.join(ROOT, 'scripts', step.script), ...step.args], { cwd: ROOT, encoding: 'utf8' });
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`;
    if (run.status !== 0) {
      process.stdout.write('FAILED\n');
      if ((interpreter(step) === 'node' || onPath('go')) && output.trim())
        process.stderr.write(`${output.trimEnd().replace(/^/gm, '  | ')}\n`);
      process.stderr.write(`\n${diagnose(step, output)}\n`);
      process.exit(1);
    }
    const seconds = ((Date.now() - start) / 1000).toFixed(1);
    process.stdout.write(/nothing to do/.test(run.stdout) ? 'up to date\n' : `installed in ${seconds}s\n`);
  }
}

main();
