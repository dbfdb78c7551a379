/**
 * Proof against upstream: the control-plane files are loaded with the code the API server and
 * the kubelet load them with (test/peers/cluster-config: k8s.io/apiserver's audit policy,
 * encryption and admission loaders and its authentication validation, the PodSecurity
 * plugin's configuration loading, strict decoding into k8s.io/kubelet's types). A file that
 * only looks right, with a misspelt field or a value upstream refuses, fails here.
 *
 * The peer is built by `scripts/install-peers.sh` into `.tools/bin/` (`.ci/run` does it before
 * `npm test`). Without it these tests are skipped, with a test that says so; in CI a missing
 * peer fails. Each kind also has a broken copy the peer must refuse, so a peer that accepted
 * everything would fail too.
 *
 * Not covered: kubeadm's ClusterConfiguration (its types live in k8s.io/kubernetes, which
 * cannot be required as a module), the EventRateLimit plugin's own configuration (also in
 * k8s.io/kubernetes) and the audit webhook's kubeconfig.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'cdk8s';
import { controlPlaneFiles, ControlPlaneHardeningOptions } from '../../lib/cluster';
import { encryptionConfiguration, LocalEncryption, SecretValue } from '../../lib';
import { removeTempDirs, tempDir, withInstalledTool } from '../support';

const ROOT = path.resolve(__dirname, '../..');
const PEER = path.join(ROOT, '.tools/bin/cluster-config');

afterAll(removeTempDirs);

/** What the peer says of `content` loaded as `kind`: 'ok' or upstream's error. */
function load(kind: string, content: string): string {
  const file = path.join(tempDir('cluster-config-'), `${kind}.yaml`);
  fs.writeFileSync(file, content);
  const run = spawnSync(PEER, [kind, file], { encoding: 'utf8', timeout: 30_000 });
  return run.status === 0 ? run.stdout.trim() : `refused (${run.status}): ${run.stderr.trim()}`;
}

/** The file `name` of the control-plane folder written with `options`. */
function fileOf(name: string, options: ControlPlaneHardeningOptions = {}): string {
  const file = controlPlaneFiles(options).find((f) => f.name === name);
  if (!file) throw new Error(`no ${name}`);
  return file.content;
}

/** Each loader, the file it loads, and a change that upstream must refuse. */
const FILES: [kind: string, file: string, broken: (text: string) => string, refusal: RegExp][] = [
  ['audit-policy', 'audit-policy.yaml', (t) => t.replace('level: Metadata', 'level: Verbose'), /Unsupported value: "Verbose"/],
  ['encryption', 'encryption-configuration.yaml', (t) => t.replace('name: kms-v2', 'name: ""'), /name is a mandatory field/],
  ['admission', 'admission-configuration.yaml', (t) => t.replace('enforce: restricted', 'enforce: strict'), /enforce: must be one of privileged, baseline, restricted/],
  ['authentication', 'authentication-configuration.yaml', (t) => t.replace('enabled: true', 'enabled: false'), /enabled should be set to true when conditions are defined/],
  ['kubelet', 'kubeadm-config.yaml', (t) => t.replace('readOnlyPort: 0', 'readOnlyPorts: 0'), /unknown field "readOnlyPorts"/],
];

test('the peer is pinned: its go.mod names the upstream modules, its go.sum their hashes', () => {
  const peer = path.join(ROOT, 'test/peers/cluster-config');
  const mod = fs.readFileSync(path.join(peer, 'go.mod'), 'utf8');
  for (const module of ['k8s.io/apiserver', 'k8s.io/kubelet', 'k8s.io/pod-security-admission']) {
    expect(mod).toMatch(new RegExp(`^\\t${module.replace(/\./g, '\\.')} v\\d+\\.\\d+\\.\\d+$`, 'm'));
  }
  expect(fs.readFileSync(path.join(peer, 'go.sum'), 'utf8')).toMatch(/^k8s\.io\/apiserver v\d+\.\d+\.\d+ h1:/m);
});

withInstalledTool(PEER, 'upstream loading proof', 'scripts/install-peers.sh', () => {
  describe('the control-plane files load with upstream\'s own code', () => {
    test.each(FILES)('%s: %s loads', (kind, file) => {
      expect(load(kind, fileOf(file))).toBe('ok');
    });

    test.each(FILES)('%s: a broken %s is refused (the check is real)', (kind, file, broken, refusal) => {
      const text = fileOf(file);
      expect(broken(text)).not.toBe(text);
      expect(load(kind, broken(text))).toMatch(refusal);
    });

    test('the options that change these files still give files that load: exemptions, another KMS plugin and timeout', () => {
      const options: ControlPlaneHardeningOptions = {
        podSecurityExemptions: [{ namespace: 'kube-system', reason: 'node agents: kube-proxy, CNI and CSI' }, { namespace: 'monitoring-system', reason: 'node-exporter reads host metrics' }],
        encryption: { kms: { name: 'cloud-kms', endpoint: 'unix:///run/kms/kms.sock', timeout: Duration.seconds(1) } },
      };
      expect(FILES.map(([kind, file]) => [kind, load(kind, fileOf(file, options))])).toEqual(FILES.map(([kind]) => [kind, 'ok']));
    });

    test.each([LocalEncryption.SECRETBOX, LocalEncryption.AESCBC])('a local %s key configuration loads', (provider) => {
      process.env.TEST_UPSTREAM_ETCD_KEY = Buffer.alloc(32, 9).toString('base64');
      try {
        const text = encryptionConfiguration({ localKey: { provider, keys: [{ name: 'key-1', secret: SecretValue.fromEnv('TEST_UPSTREAM_ETCD_KEY') }] } });
        expect(load('encryption', text)).toBe('ok');
      } finally {
        delete process.env.TEST_UPSTREAM_ETCD_KEY;
      }
    });
  });
});
