/**
 * Proof against upstream: the control-plane files are loaded with the code the API server,
 * kubeadm and the kubelet load them with (test/peers/cluster-config): k8s.io/apiserver's audit
 * policy, encryption and admission loaders, its audit webhook backend and its authentication
 * validation, the PodSecurity and EventRateLimit plugins' configuration loading, and `kubeadm init --config`'s loading of kubeadm-config.yaml
 * (k8s.io/kubernetes/cmd/kubeadm: decoding, defaulting, validation; unknown fields are errors
 * here, not kubeadm's warnings) with the kubelet's validation of its KubeletConfiguration. A
 * file that only looks right, with a misspelt field or a value upstream refuses, fails here.
 *
 * The peer is built by `scripts/install-peers.sh` into `.tools/bin/` (`npm test` does it
 * first); without it a test fails and says how to install it. Each file also has a broken
 * copy its loader must refuse, so a peer that accepted everything would fail too.
 *
 * A server started with these files: test/app/api-server.test.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'cdk8s';
import { ControlPlaneHardeningOptions } from '../../lib/cluster';
import { controlPlaneFiles } from '../../lib/cluster/control-plane-hardening';
import { encryptionConfiguration, LocalEncryption, SecretValue } from '../../lib';
import { testKeys } from '../secrets/support';
import { expectPinnedToKubernetesRelease, removeTempDirs, tempDir, withInstalledTool } from '../support';

const ROOT = path.resolve(__dirname, '../..');
const PEER = path.join(ROOT, '.tools/bin/cluster-config');

afterAll(removeTempDirs);

/** What upstream says of `content` loaded as `kind`: 'ok' (kubeadm: 'ok <version>') or its error. */
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

/** Each loader, the file it loads, what it says when it accepts it, and changes it must refuse. */
const FILES: [kind: string, file: string, ok: string, broken: ReadonlyArray<[change: (text: string) => string, refusal: RegExp]>][] = [
  ['audit-policy', 'audit-policy.yaml', 'ok', [[(t) => t.replace('level: Metadata', 'level: Verbose'), /Unsupported value: "Verbose"/]]],
  ['encryption', 'encryption-configuration.yaml', 'ok', [[(t) => t.replace('name: kms-v2', 'name: ""'), /name is a mandatory field/]]],
  [
    'admission',
    'admission-configuration.yaml',
    'ok',
    [
      [(t) => t.replace('enforce: restricted', 'enforce: strict'), /enforce: must be one of privileged, baseline, restricted/],
      [(t) => t.replace('qps: 50', 'qps: -5'), /limits\[0\]\.qps: Invalid value: -5: must be positive/],
    ],
  ],
  [
    'authentication',
    'authentication-configuration.yaml',
    'ok',
    [[(t) => t.replace('enabled: true', 'enabled: false'), /enabled should be set to true when conditions are defined/]],
  ],
  [
    'kubeadm',
    'kubeadm-config.yaml',
    'ok v1.34.1',
    [
      [(t) => t.replace('kubernetesVersion: v1.34.1', 'kubernetesVersion: banana'), /version "banana" doesn't match/],
      [(t) => t.replace(/^apiServer:/m, 'apiServr:'), /unknown field "apiServr"/],
      [(t) => t.replace('readOnlyPort: 0', 'readOnlyPorts: 0'), /unknown field "readOnlyPorts"/],
      [(t) => t.replace('readOnlyPort: 0', 'readOnlyPort: 70000'), /readOnlyPort \(--read-only-port\) 70000 must be between 0 and 65535/],
    ],
  ],
];

test("the peer is pinned: k8s.io/kubernetes at a release, the staging modules it uses replaced by that release's, a go.sum", () => {
  expectPinnedToKubernetesRelease(path.join(ROOT, 'test/peers/cluster-config'), [
    'k8s.io/api',
    'k8s.io/apimachinery',
    'k8s.io/apiserver',
    'k8s.io/kubelet',
    'k8s.io/pod-security-admission',
  ]);
});

withInstalledTool(PEER, 'upstream loading proof', 'scripts/install-peers.sh', () => {
  describe("the control-plane files load with upstream's own code", () => {
    test.each(FILES)('%s: %s loads', (kind, file, ok) => {
      expect(load(kind, fileOf(file))).toBe(ok);
    });

    test.each(
      FILES.flatMap(([kind, file, , broken]) => broken.map(([change, refusal], i) => [kind, file, i + 1, change, refusal] as const)),
    )('%s: broken %s (change %d) is refused: the check is real', (kind, file, _, change, refusal) => {
      const text = fileOf(file);
      expect(change(text)).not.toBe(text);
      expect(load(kind, change(text))).toMatch(refusal);
    });

    test('the options that change these files still give files that load: version, exemptions, KMS plugin, audit webhook and retention, endpoint', () => {
      const options: ControlPlaneHardeningOptions = {
        kubernetesVersion: 'v1.35.2',
        controlPlaneEndpoint: 'k8s.example.com:6443',
        podSecurityExemptions: [
          { namespace: 'kube-system', reason: 'node agents: kube-proxy, CNI and CSI' },
          { namespace: 'monitoring-system', reason: 'node-exporter reads host metrics' },
        ],
        encryption: { kms: { name: 'cloud-kms', endpoint: 'unix:///run/kms/kms.sock', timeout: Duration.seconds(1) } },
        audit: {
          log: { maxAgeDays: 90 },
          webhook: { server: 'https://audit.example.com/k8s', certificateAuthority: '/etc/kubernetes/pki/audit-ca.crt' },
        },
      };
      expect(FILES.map(([kind, file]) => [kind, load(kind, fileOf(file, options))])).toEqual(
        FILES.map(([kind, , ok]) => [kind, kind === 'kubeadm' ? 'ok v1.35.2' : ok]),
      );
    });

    test("the audit webhook's kubeconfig sets up the API server's webhook backend, its certificates read from their paths", () => {
      const pki = tempDir('audit-pki-');
      const write = (name: string, content: string) => {
        fs.writeFileSync(path.join(pki, name), content);
        return path.join(pki, name);
      };
      const ca = testKeys('audit-ca');
      const client = testKeys('audit-client');
      const webhook = {
        server: 'https://audit.example.com/k8s',
        certificateAuthority: write('audit-ca.crt', ca.certificatePem),
        clientCertificate: {
          certificate: write('audit-client.crt', client.certificatePem),
          key: write('audit-client.key', client.privateKeyPem),
        },
      };
      const kubeconfig = fileOf('audit-webhook.kubeconfig.yaml', { audit: { webhook } });
      expect(load('audit-webhook', kubeconfig)).toBe('ok');
      expect(load('audit-webhook', kubeconfig.replace(webhook.certificateAuthority, `${webhook.certificateAuthority}.missing`))).toMatch(
        /no such file or directory/,
      );
      expect(load('audit-webhook', kubeconfig.replace(/server: \S+/, 'servr: https://audit.example.com/k8s'))).toMatch(
        /no server found for cluster "audit-collector"/,
      );
    });

    test.each([LocalEncryption.SECRETBOX, LocalEncryption.AESCBC])('a local %s key configuration loads', (provider) => {
      process.env.TEST_UPSTREAM_ETCD_KEY = Buffer.alloc(32, 9).toString('base64');
      try {
        const text = encryptionConfiguration({
          localKey: { provider, keys: [{ name: 'key-1', secret: SecretValue.fromEnv('TEST_UPSTREAM_ETCD_KEY') }] },
        });
        expect(load('encryption', text)).toBe('ok');
      } finally {
        delete process.env.TEST_UPSTREAM_ETCD_KEY;
      }
    });
  });
});
