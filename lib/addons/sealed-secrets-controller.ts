import { Construct } from 'constructs';
import { ITrafficEndpoint } from '../network/traffic-rules';
import { HardeningError } from '../core/hardening-error';
import { HardenedNamespace } from '../namespace/hardened-namespace';
import { AddOnResources, allowApiServer, allowWebhookCalls, ApiServerAddress, budgetOf } from './addon-props';
import { buildAddOn } from './addon-release';
import { Change } from './pod-hardening';
import { pinnedImage } from './pinned-image';
import { readVendoredRelease } from './vendored-release';

/** The chart rendering this construct was reviewed for: vendor/addons/sealed-secrets/rendered.yaml (chart helm-v2.18.5). */
const REVIEWED_SHA256 = '8904edf60cc96597bebca2060ceb81d5d5dca45da54b331f6c4cd345abd75356';
const NAMESPACE = 'sealed-secrets';
const CONTROLLER = 'sealed-secrets';
const UPSTREAM_IMAGE = 'docker.io/bitnami/sealed-secrets-controller:0.36.6';
const HTTP = 8080;
const UNSEALER = 'secrets-unsealer';
const PROXIER = 'sealed-secrets-service-proxier';

/** Props of `SealedSecretsController`. */
export interface SealedSecretsControllerProps {
  /**
   * Where the API server is: the controller watches it, and `kubeseal --fetch-cert` reaches the
   * controller through the API server's service proxy (port 8080).
   */
  readonly apiServer: ApiServerAddress;

  /**
   * The controller's image, pinned by digest: `docker.io/bitnami/sealed-secrets-controller:0.36.6@sha256:...`
   * (or a mirror of it). Required because no two public records agreed on the digest of 0.36.6
   * when the add-on was reviewed: read it from the registry (`crane digest
   * docker.io/bitnami/sealed-secrets-controller:0.36.6`). Its tag, when given, must be 0.36.6.
   */
  readonly image: string;

  /**
   * Groups whose members may fetch the sealing certificate with `kubeseal --fetch-cert` (the
   * chart's `sealed-secrets-service-proxier` Role: get the controller's Service and proxy to
   * it). Upstream binds it to every authenticated user; by default nobody is bound here, as
   * `SealedSecret` seals offline with the certificate committed in the project, which a cluster
   * admin fetches once.
   *
   * @default - none: only those who may already proxy to Services (cluster admins)
   */
  readonly certificateReaderGroups?: string[];

  /**
   * The controller container's CPU and memory.
   *
   * @default { cpu: '50m', memory: '64Mi', memoryLimit: '256Mi' }
   */
  readonly resources?: AddOnResources;
}

/**
 * The Bitnami Sealed Secrets controller (app 0.36.6, its Helm chart helm-v2.18.5 rendered with
 * upstream's defaults and vendored in vendor/addons/sealed-secrets), hardened: in its own
 * HardenedNamespace `sealed-secrets`, sending only to the API server and reachable only from it
 * (kubeseal goes through the API server's service proxy), one replica (the controller has no
 * leader election: two would both generate sealing keys). It unseals the SealedSecrets of every
 * namespace, which is what `SealedSecret` (lib/secrets) writes.
 *
 * `kubeseal` looks for `sealed-secrets-controller` in `kube-system` unless told otherwise:
 * fetch the sealing certificate with `kubeseal --fetch-cert --controller-name sealed-secrets
 * --controller-namespace sealed-secrets > sealing-cert.pem` (`controllerName` and
 * `controllerNamespace`). The namespace a value is sealed for is the Secret's own, never the
 * controller's. REVIEW.md lists every change from upstream and the departures it keeps.
 */
export class SealedSecretsController extends Construct {
  /** The namespace (upstream's name: the chart's Roles and the service proxy rules name it). */
  public readonly namespace: HardenedNamespace;
  /** The controller, as a traffic endpoint. */
  public readonly controller: ITrafficEndpoint;
  /** What `kubeseal --controller-name` takes: the controller's Service. */
  public readonly controllerName: string = CONTROLLER;
  /** What `kubeseal --controller-namespace` takes. */
  public readonly controllerNamespace: string = NAMESPACE;

  constructor(scope: Construct, id: string, props: SealedSecretsControllerProps) {
    super(scope, id);
    const image = pinnedImage(this, 'image', props.image, '0.36.6');
    const release = readVendoredRelease(this, 'sealed-secrets', 'rendered.yaml', REVIEWED_SHA256);
    const readers = (props.certificateReaderGroups ?? []).map((group, i) => requireGroupName(this, `certificateReaderGroups[${i}]`, group));
    const built = buildAddOn(this, {
      title: 'Sealed Secrets',
      release,
      namespace: { name: NAMESPACE, allowedRegistries: [image.repository] },
      workloads: [
        {
          kind: 'Deployment',
          name: CONTROLLER,
          singleInstance:
            'the controller has no leader election: two instances would each generate and rotate sealing keys, and unseal with keys the other lacks',
          hardening: {
            user: 65532,
            group: 65532,
            callsApi:
              'watches SealedSecrets in every namespace, writes the Secrets they unseal to and their status, and keeps its sealing keys as Secrets of its own namespace',
            writablePaths: [],
            budgets: { controller: budgetOf({ cpu: '50m', memory: '64Mi', memoryLimit: '256Mi' }, props.resources) },
            images: { [UPSTREAM_IMAGE]: image.image },
          },
          exceptions: [
            {
              rule: 'distinct-probes',
              reason:
                'the controller has one health endpoint, /healthz on its HTTP port, which answers once the key registry and informers run; upstream probes it for both',
            },
          ],
        },
      ],
      boundPeople: readers.map((group) => `Group:${group}`),
      leftOut: readers.length
        ? []
        : [
            {
              kind: 'RoleBinding',
              name: PROXIER,
              why: 'upstream lets every authenticated user proxy to the controller; no certificateReaderGroups were given, so only cluster admins fetch the sealing certificate (SealedSecret seals offline with the committed one)',
            },
          ],
      edits: [
        { kind: 'ClusterRole', name: UNSEALER, edit: (object) => noSecretDeletion(object) },
        { kind: 'Deployment', name: CONTROLLER, edit: (object) => boundedTmp(object) },
        ...(readers.length ? [{ kind: 'RoleBinding', name: PROXIER, edit: (object: Json) => bindGroups(object, readers) }] : []),
      ],
      objectExceptions: [
        {
          kind: 'ClusterRole',
          name: UNSEALER,
          exceptions: [
            { rule: 'rbac-namespace-escalation-powers', reason: UNSEALS_EVERYWHERE, accepts: ['read secrets', 'create secrets'] },
          ],
        },
        {
          kind: 'ClusterRoleBinding',
          name: CONTROLLER,
          exceptions: [
            { rule: 'rbac-no-cluster-secret-read', reason: UNSEALS_EVERYWHERE, accepts: ['read secrets'] },
            {
              rule: 'rbac-cluster-scope',
              reason: 'SealedSecrets of every namespace are unsealed: the controller watches them and writes their Secrets cluster-wide',
            },
          ],
        },
        {
          kind: 'Role',
          name: 'sealed-secrets-key-admin',
          exceptions: [
            {
              rule: 'rbac-namespace-escalation-powers',
              reason:
                'the controller generates its sealing keys as Secrets of its own namespace (a new one every 30 days) and lists them at start to load every key still needed to unseal; nothing else lives in that namespace',
              accepts: ['read secrets', 'create secrets'],
            },
          ],
        },
      ],
    });
    this.namespace = built.namespace;
    this.controller = built.components.get(CONTROLLER)!;
    allowApiServer(this, this.controller, props.apiServer, 'apiServer');
    allowWebhookCalls(this.controller, props.apiServer, HTTP, 'apiServer');
  }
}

type Json = Record<string, unknown>;

/** Why the controller reads and writes Secrets everywhere. */
const UNSEALS_EVERYWHERE =
  'the controller turns the SealedSecret of any namespace into the Secret of the same name there: it creates and updates those Secrets, and watches them to restore one that is changed or deleted';

/** Deleting Secrets serves only --old-gc-behavior (off): the Secrets it creates are owned by their SealedSecret, and Kubernetes' garbage collector deletes them. */
function noSecretDeletion(clusterRole: Json): Change[] {
  const rules = clusterRole.rules as Array<{ resources: string[]; verbs: string[] }>;
  const i = rules.findIndex((r) => r.resources.includes('secrets'));
  const before = rules[i].verbs;
  rules[i].verbs = before.filter((v) => v !== 'delete');
  return [{ field: `rules[${i}].verbs`, from: JSON.stringify(before), to: JSON.stringify(rules[i].verbs) }];
}

/** Upstream's /tmp emptyDir has no size limit: a full node disk would evict every pod of the node. */
function boundedTmp(deployment: Json): Change[] {
  const pod = (deployment.spec as { template: { spec: { volumes: Array<{ name: string; emptyDir?: Json }> } } }).template.spec;
  const tmp = pod.volumes.find((v) => v.name === 'tmp')!;
  const before = JSON.stringify(tmp.emptyDir);
  tmp.emptyDir = { ...tmp.emptyDir, sizeLimit: '16Mi' };
  return [{ field: 'spec.template.spec.volumes[tmp].emptyDir', from: before, to: JSON.stringify(tmp.emptyDir) }];
}

/** The service proxier Role goes to the groups given, not to every authenticated user. */
function bindGroups(roleBinding: Json, groups: readonly string[]): Change[] {
  const before = JSON.stringify(roleBinding.subjects);
  roleBinding.subjects = groups.map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name }));
  return [{ field: 'subjects', from: before, to: JSON.stringify(roleBinding.subjects) }];
}

function requireGroupName(scope: Construct, field: string, group: string): string {
  if (group.trim() === '' || group !== group.trim()) {
    throw new HardeningError(
      scope,
      `'${field}' ${JSON.stringify(group)} is not a group name. Give the group as the authenticator reports it, for example 'platform-admins'.`,
    );
  }
  return group;
}
