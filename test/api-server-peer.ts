/**
 * The TypeScript side of the api-server test peer (test/peers/api-server: kube-apiserver on an
 * embedded etcd): running it on manifests and reading its report. Used by the tests that
 * judge our output, and our Pod Security packs, against the real server.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AuditRequest } from '../lib/review/rules/cluster/audit-policy';
import { vendoredCustomResourceDefinitions } from '../lib/addons/vendored-crds';
import { tempDir } from './support';

const ROOT = path.resolve(__dirname, '..');
/** The peer, built by scripts/install-peers.sh. */
export const API_SERVER_PEER = path.join(ROOT, '.tools/bin/api-server');
let crdFolder: string | undefined;
/**
 * A folder holding the CustomResourceDefinitions of the vendored add-on releases (Argo CD,
 * cert-manager, External Secrets, Sealed Secrets: vendor/addons, each checked against its
 * SOURCE.json), written once per test process, for the peer's --crds.
 */
export function vendoredCrdFolder(): string {
  crdFolder ??= manifestFolder('vendored-crds-', vendoredCustomResourceDefinitions());
  return crdFolder;
}
/** How long one server run may take in a test (start-up is 10 to 30 seconds). */
export const SERVER_TIMEOUT = 240_000;

/** The server's answer to one create. */
export interface ObjectResult {
  readonly file?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly outcome: 'created' | 'refused' | 'not-served';
  readonly error?: string;
  readonly warnings: readonly string[];
  /** How long the create took, in microseconds (client side, one request at a time). */
  readonly micros: number;
}
/** A SubjectAccessReview's question: a request's attributes (as the audit rules see one), and, in the report, the authorizer's answer. */
export interface AccessReview extends AuditRequest {
  readonly name?: string;
  readonly allowed?: boolean;
}
/** The peer's report (test/peers/api-server/main.go, Report). */
export interface ApiServerReport {
  readonly server: string;
  readonly flags: readonly string[];
  readonly objects: readonly ObjectResult[];
  readonly pods: readonly ObjectResult[];
  readonly controls: readonly ObjectResult[];
  readonly namespacesAdded: readonly string[];
  readonly crds: readonly string[] | null;
  readonly secretAtRest?: { readonly prefix: string; readonly plaintextFound: boolean };
  readonly audit?: { readonly events: number; readonly secretEventLevels: readonly string[]; readonly secretValueLogged: boolean };
  readonly accessReviews: readonly AccessReview[];
  /** The admission policies of `ApiServerOptions.policies`, with what the server's type checking said. */
  readonly policies: readonly { readonly name: string; readonly typeWarnings: readonly string[] }[];
  /** The lines of /metrics of the families `ApiServerOptions.metrics` names, read last. */
  readonly metrics?: readonly string[];
}

/** What a run adds to the manifests. */
export interface ApiServerOptions {
  /** The folder ControlPlaneHardening wrote: the server starts with it. */
  readonly controlPlane?: string;
  /** Questions for the server's authorizer, asked after the objects are created. */
  readonly accessReviews?: readonly AccessReview[];
  /**
   * Install the vendored add-ons' CRDs first (those the manifests define themselves are created
   * from the manifests).
   *
   * @default true
   */
  readonly crds?: boolean;
  /**
   * A folder of CRDs to install instead of the vendored add-ons'.
   *
   * @default - the vendored add-ons' CRDs, when `crds`
   */
  readonly crdFolder?: string;
  /**
   * A folder of ValidatingAdmissionPolicies and bindings, installed (and type-checked) before
   * the manifests.
   *
   * @default - none
   */
  readonly policies?: string;
  /**
   * One object the policies refuse: the server is awaited until it does, so they are enforced
   * before the manifests are created.
   *
   * @default - not awaited
   */
  readonly policyProbe?: object;
  /**
   * Metric families to report from the server's /metrics, read after a request with an unknown
   * token and one by a user without rights (what the security alerts watch).
   *
   * @default - none
   */
  readonly metrics?: readonly string[];
}

/** Runs the peer (one API server) on `dirs`; resolves with its report, rejects with the end of its log. */
export function onApiServer(dirs: readonly string[], options: ApiServerOptions = {}): Promise<ApiServerReport> {
  const args = [...(options.controlPlane ? ['--control-plane', options.controlPlane] : [])];
  if (options.crdFolder) args.push('--crds', options.crdFolder);
  else if (options.crds ?? true) args.push('--crds', vendoredCrdFolder());
  if (options.policies) args.push('--policies', options.policies);
  if (options.metrics?.length) args.push('--metrics', options.metrics.join(','));
  if (options.policyProbe) {
    const file = path.join(tempDir('policy-probe-'), 'probe.json');
    fs.writeFileSync(file, JSON.stringify(options.policyProbe));
    args.push('--policy-probe', file);
  }
  if (options.accessReviews) {
    const file = path.join(tempDir('access-reviews-'), 'reviews.json');
    fs.writeFileSync(file, JSON.stringify(options.accessReviews));
    args.push('--access-reviews', file);
  }
  args.push(...dirs);
  return new Promise((resolve, reject) => {
    const child = spawn(API_SERVER_PEER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as ApiServerReport)
        : reject(new Error(`api-server exited ${code}:\n${stderr.split('\n').slice(-15).join('\n')}`)),
    );
  });
}

/** A folder holding `documents` as one multi-document YAML file (each written as JSON, which is YAML), for the peer. */
export function manifestFolder(prefix: string, documents: readonly object[]): string {
  const dir = tempDir(prefix);
  fs.writeFileSync(path.join(dir, 'manifests.yaml'), documents.map((d) => JSON.stringify(d)).join('\n---\n'));
  return dir;
}
