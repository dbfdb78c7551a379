import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { apiAccessCidrProblem } from './cidrs';
import { CloudHardeningError } from './cloud-error';

/** A network allowed to reach the GKE control plane. */
export interface AuthorizedNetwork {
  /** The range, for example the bastion or VPN subnet `10.10.0.0/24`. */
  readonly cidr: string;
  /** What it is, for example `vpn`. */
  readonly name: string;
}

/** The node pool of a `GkeClusterStack`. */
export interface GkeNodePoolOptions {
  /** @default 'e2-standard-4' */
  readonly machineType?: string;
  /** Nodes per zone, at least. @default 1 */
  readonly minNodes?: number;
  /** Nodes per zone, at most. @default 3 */
  readonly maxNodes?: number;
  /** Boot disk size in GB. @default 50 */
  readonly diskSizeGb?: number;
}

/** Props of a `HardenedGkeCluster` (and of a `GkeClusterStack`). */
export interface HardenedGkeClusterProps {
  /** Google Cloud project id. */
  readonly project: string;
  /** Region of the (regional) cluster, for example `europe-west1`. */
  readonly region: string;
  /** Cluster name. */
  readonly clusterName: string;
  /** VPC network (name or self link). */
  readonly network: string;
  /** Subnetwork, with secondary ranges for pods and services. */
  readonly subnetwork: string;
  /** Secondary range names of the subnetwork for pods and Services (VPC-native cluster). */
  readonly secondaryRanges: { readonly pods: string; readonly services: string };
  /**
   * The /28 the control plane's private endpoint lives in.
   *
   * @default '172.16.0.0/28'
   */
  readonly masterIpv4CidrBlock?: string;
  /**
   * Networks that may reach the control plane's private endpoint: at least one, never
   * 0.0.0.0/0.
   */
  readonly authorizedNetworks: AuthorizedNetwork[];
  /**
   * Release channel: versions and patches follow it (GKE's way of pinning).
   *
   * @default 'STABLE'
   */
  readonly releaseChannel?: 'STABLE' | 'REGULAR' | 'RAPID';
  /**
   * The Google Group whose member groups RBAC bindings may name (`gke-security-groups@<domain>`).
   *
   * @default - no Google Groups for RBAC
   */
  readonly rbacSecurityGroup?: string;
  /**
   * The node pool.
   *
   * @default - e2-standard-4, 1 to 3 nodes per zone, 50 GB
   */
  readonly nodePool?: GkeNodePoolOptions;
  /**
   * Labels on the cluster.
   *
   * @default - `cluster: <clusterName>`, `managed-by: cdk8s-hardened`
   */
  readonly labels?: Record<string, string>;
}

/** The node pool service account's roles: logs, metrics, and pulling images. Nothing else. */
export const GKE_NODE_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
  'roles/artifactregistry.reader',
];

/**
 * A GKE cluster, hardened (a construct: put it in any TerraformStack with a Google provider):
 * - private: nodes without public addresses, the control plane on a private endpoint only,
 *   reachable from the listed authorized networks;
 * - Secrets encrypted at the application layer with a Cloud KMS key rotated every 90 days;
 * - shielded nodes with secure boot and integrity monitoring, Container-Optimized OS;
 * - workload identity, and the node metadata server hidden from pods (GKE_METADATA);
 * - network policy enforced (Calico), legacy ABAC off, no client certificate or basic auth;
 * - binary authorization enforcing the project's policy;
 * - a dedicated node service account with logging, monitoring and image-pull roles only;
 * - nodes repaired and upgraded automatically along the release channel.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster
 */
export class HardenedGkeCluster extends Construct {
  public readonly cluster: ContainerCluster;
  public readonly nodePool: ContainerNodePool;
  public readonly secretsKey: KmsCryptoKey;

  constructor(scope: Construct, id: string, props: HardenedGkeClusterProps) {
    super(scope, id);
    if (props.authorizedNetworks.length === 0) {
      throw new CloudHardeningError(
        this,
        "'authorizedNetworks' must list at least one network that may reach the control plane, such as { cidr: '10.10.0.0/24', name: 'vpn' }.",
      );
    }
    for (const network of props.authorizedNetworks) {
      const problem = apiAccessCidrProblem(network.cidr);
      if (problem) throw new CloudHardeningError(this, `'authorizedNetworks' entry '${network.cidr}' (${network.name}) ${problem}.`);
    }
    const labels = props.labels ?? { cluster: props.clusterName, 'managed-by': 'cdk8s-hardened' };
    const pool = props.nodePool ?? {};

    const project = new DataGoogleProject(this, 'project', { projectId: props.project });

    const keyRing = new KmsKeyRing(this, 'key-ring', { name: `${props.clusterName}-secrets`, location: props.region });
    this.secretsKey = new KmsCryptoKey(this, 'secrets-key', {
      name: 'kubernetes-secrets',
      keyRing: keyRing.id,
      purpose: 'ENCRYPT_DECRYPT',
      rotationPeriod: '7776000s',
      lifecycle: { preventDestroy: true },
    });
    // GKE's service agent encrypts and decrypts the data keys of Secrets with it.
    const keyAccess = new KmsCryptoKeyIamMember(this, 'secrets-key-gke', {
      cryptoKeyId: this.secretsKey.id,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: `serviceAccount:service-${project.number}@container-engine-robot.iam.gserviceaccount.com`,
    });

    const nodeAccount = new ServiceAccount(this, 'node-account', {
      accountId: `${props.clusterName}-nodes`.slice(0, 30),
      displayName: `Nodes of ${props.clusterName}`,
    });
    for (const role of GKE_NODE_ROLES) {
      new ProjectIamMember(this, `node-${role.replace(/^roles\//, '').replace(/\./g, '-')}`, {
        project: props.project,
        role,
        member: nodeAccount.member,
      });
    }

    this.cluster = new ContainerCluster(this, 'cluster', {
      name: props.clusterName,
      location: props.region,
      network: props.network,
      subnetwork: props.subnetwork,
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      deletionProtection: true,
      resourceLabels: labels,
      releaseChannel: { channel: props.releaseChannel ?? 'STABLE' },
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.secondaryRanges.pods,
        servicesSecondaryRangeName: props.secondaryRanges.services,
      },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: true,
        masterIpv4CidrBlock: props.masterIpv4CidrBlock ?? '172.16.0.0/28',
      },
      masterAuthorizedNetworksConfig: {
        gcpPublicCidrsAccessEnabled: false,
        cidrBlocks: props.authorizedNetworks.map((n) => ({ cidrBlock: n.cidr, displayName: n.name })),
      },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      enableLegacyAbac: false,
      enableShieldedNodes: true,
      enableIntranodeVisibility: true,
      workloadIdentityConfig: { workloadPool: `${props.project}.svc.id.goog` },
      databaseEncryption: { state: 'ENCRYPTED', keyName: this.secretsKey.id },
      networkPolicy: { enabled: true, provider: 'CALICO' },
      addonsConfig: { networkPolicyConfig: { disabled: false }, httpLoadBalancing: { disabled: false } },
      binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      loggingConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'WORKLOADS', 'APISERVER', 'CONTROLLER_MANAGER', 'SCHEDULER'] },
      monitoringConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'APISERVER', 'CONTROLLER_MANAGER', 'SCHEDULER'] },
      securityPostureConfig: { mode: 'BASIC', vulnerabilityMode: 'VULNERABILITY_BASIC' },
      ...(props.rbacSecurityGroup ? { authenticatorGroupsConfig: { securityGroup: props.rbacSecurityGroup } } : {}),
      // The default pool exists for a moment only; it gets the same node hardening.
      nodeConfig: nodeConfig(nodeAccount.email, pool, labels),
      dependsOn: [keyAccess],
    });

    this.nodePool = new ContainerNodePool(this, 'nodes', {
      name: `${props.clusterName}-default`,
      cluster: this.cluster.id,
      location: props.region,
      autoscaling: { minNodeCount: pool.minNodes ?? 1, maxNodeCount: pool.maxNodes ?? 3 },
      management: { autoRepair: true, autoUpgrade: true },
      nodeConfig: nodeConfig(nodeAccount.email, pool, labels),
    });
  }
}

/** Props of a `GkeClusterStack`. */
export interface GkeClusterStackProps extends HardenedGkeClusterProps {}

/** A Terraform stack of one `HardenedGkeCluster` and its Google provider (in `project` and `region`). */
export class GkeClusterStack extends TerraformStack {
  public readonly gke: HardenedGkeCluster;

  constructor(scope: Construct, id: string, props: GkeClusterStackProps) {
    super(scope, id);
    new GoogleProvider(this, 'google', { project: props.project, region: props.region });
    this.gke = new HardenedGkeCluster(this, 'cluster', props);
  }
}

/** The node configuration of every pool: shielded, COS, workload identity metadata, dedicated account. */
function nodeConfig(serviceAccount: string, pool: GkeNodePoolOptions, labels: Record<string, string>) {
  return {
    machineType: pool.machineType ?? 'e2-standard-4',
    diskSizeGb: pool.diskSizeGb ?? 50,
    diskType: 'pd-balanced',
    imageType: 'COS_CONTAINERD',
    serviceAccount,
    oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    workloadMetadataConfig: { mode: 'GKE_METADATA' },
    metadata: { 'disable-legacy-endpoints': 'true' },
    resourceLabels: labels,
  };
}
