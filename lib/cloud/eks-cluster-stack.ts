import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { apiAccessCidrProblem } from './cidrs';
import { CloudHardeningError } from './cloud-error';

/** The managed node group of an `EksClusterStack`. */
export interface EksNodeGroupOptions {
  /**
   * EC2 instance types.
   *
   * @default ['m6i.large']
   */
  readonly instanceTypes?: string[];
  /** @default 2 */
  readonly minSize?: number;
  /** @default 2 */
  readonly desiredSize?: number;
  /** @default 4 */
  readonly maxSize?: number;
  /**
   * Root volume size in GiB (gp3, encrypted with the cluster's KMS key).
   *
   * @default 50
   */
  readonly diskSizeGiB?: number;
}

/** Props of a `HardenedEksCluster` (and of an `EksClusterStack`). */
export interface HardenedEksClusterProps {
  /** AWS region, for example `eu-west-1`. */
  readonly region: string;
  /** Cluster name. */
  readonly clusterName: string;
  /**
   * The Kubernetes version, pinned (`major.minor`); node groups follow it.
   *
   * @default '1.33'
   */
  readonly kubernetesVersion?: string;
  /** Private subnets of the cluster and its nodes (at least two, in different zones). */
  readonly subnetIds: string[];
  /**
   * Address ranges that may reach the API over the internet. Empty: the endpoint is private
   * only (reachable from the VPC, a VPN or a peered network). Never `0.0.0.0/0`.
   *
   * @default [] - no public endpoint
   */
  readonly publicAccessCidrs?: string[];
  /**
   * The managed node group.
   *
   * @default - m6i.large, 2 to 4 nodes, 50 GiB
   */
  readonly nodeGroup?: EksNodeGroupOptions;
  /**
   * Days the control plane logs are kept in CloudWatch.
   *
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Tags on every resource.
   *
   * @default - `cluster: <clusterName>` and `managed-by: cdk8s-hardened`
   */
  readonly tags?: Record<string, string>;
}

/** Every EKS control plane log type. */
export const EKS_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/**
 * An EKS cluster, hardened (a construct: put it in any TerraformStack with an AWS provider):
 * - Secrets envelope-encrypted with a customer-managed KMS key that rotates yearly;
 * - a private API endpoint; a public one only for listed CIDRs, never 0.0.0.0/0;
 * - every control plane log type on, kept a year in a KMS-encrypted log group;
 * - access through EKS access entries (API), not the aws-auth ConfigMap;
 * - a managed node group on a launch template with IMDSv2 required and a hop limit of 1 (pods
 *   cannot reach the node's credentials), encrypted gp3 volumes, no SSH key and no remote access;
 * - the Kubernetes version pinned for the cluster and its nodes.
 *
 * @see https://docs.aws.amazon.com/eks/latest/best-practices/security.html
 */
export class HardenedEksCluster extends Construct {
  public readonly cluster: EksCluster;
  public readonly secretsKey: KmsKey;
  public readonly nodeGroup: EksNodeGroup;
  public readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, id: string, props: HardenedEksClusterProps) {
    super(scope, id);
    const version = props.kubernetesVersion ?? '1.33';
    if (!/^1\.\d+$/.test(version)) {
      throw new CloudHardeningError(this, `'kubernetesVersion' must be a pinned major.minor such as '1.33' (got '${version}').`);
    }
    if (props.subnetIds.length < 2) {
      throw new CloudHardeningError(
        this,
        `'subnetIds' needs at least two private subnets in different zones (got ${props.subnetIds.length}).`,
      );
    }
    const publicCidrs = props.publicAccessCidrs ?? [];
    for (const cidr of publicCidrs) {
      const problem = apiAccessCidrProblem(cidr);
      if (problem) throw new CloudHardeningError(this, `'publicAccessCidrs' entry '${cidr}' ${problem}.`);
    }
    const retention = props.logRetentionDays ?? 365;
    if (retention < 365)
      throw new CloudHardeningError(this, `'logRetentionDays' must be at least 365 (got ${retention}): audit logs are evidence.`);
    const tags = clusterTags(props);
    const nodes = props.nodeGroup ?? {};

    const account = new DataAwsCallerIdentity(this, 'account');
    const accountRoot = `arn:aws:iam::${account.accountId}:root`;

    // The account administers its keys; services use them through grants and key policies.
    const adminStatement = {
      sid: 'AccountAdministers',
      actions: ['kms:*'],
      resources: ['*'],
      principals: [{ type: 'AWS', identifiers: [accountRoot] }],
    };
    const secretsKeyPolicy = new DataAwsIamPolicyDocument(this, 'secrets-key-policy', { statement: [adminStatement] });
    this.secretsKey = new KmsKey(this, 'secrets-key', {
      description: `Envelope encryption of Kubernetes Secrets of ${props.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: secretsKeyPolicy.json,
    });
    new KmsAlias(this, 'secrets-key-alias', { name: `alias/${props.clusterName}-secrets`, targetKeyId: this.secretsKey.keyId });

    const logsKeyPolicy = new DataAwsIamPolicyDocument(this, 'logs-key-policy', {
      statement: [
        adminStatement,
        {
          sid: 'CloudWatchLogsEncrypts',
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          principals: [{ type: 'Service', identifiers: [`logs.${props.region}.amazonaws.com`] }],
          condition: [
            {
              test: 'ArnLike',
              variable: 'kms:EncryptionContext:aws:logs:arn',
              values: [`arn:aws:logs:${props.region}:${account.accountId}:log-group:/aws/eks/${props.clusterName}/*`],
            },
          ],
        },
      ],
    });
    const logsKey = new KmsKey(this, 'logs-key', {
      description: `Encryption of the control plane logs of ${props.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: logsKeyPolicy.json,
    });
    // Created before the cluster, so EKS does not create it unencrypted and kept forever.
    const logGroup = new CloudwatchLogGroup(this, 'control-plane-logs', {
      name: `/aws/eks/${props.clusterName}/cluster`,
      retentionInDays: retention,
      kmsKeyId: logsKey.arn,
    });

    const clusterRole = new IamRole(this, 'cluster-role', {
      name: `${props.clusterName}-cluster`,
      assumeRolePolicy: assumeRolePolicy(this, 'cluster-assume', 'eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'cluster-policy', {
      role: clusterRole.name,
      policyArn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
    });

    this.cluster = new EksCluster(this, 'cluster', {
      name: props.clusterName,
      version,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: props.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
      },
      enabledClusterLogTypes: EKS_LOG_TYPES,
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: this.secretsKey.arn } },
      accessConfig: { authenticationMode: 'API' },
      deletionProtection: true,
      dependsOn: [logGroup, clusterPolicy],
    });
    // With public CIDRs, Checkov's CKV_AWS_39 (no public endpoint) fails by design: the exception, with
    // its reason, is in scripts/checkov-terraform-exceptions.tsv (Checkov ignores skip comments in
    // Terraform JSON); CKV_AWS_38 still proves the endpoint is never open to 0.0.0.0/0.

    const nodeRole = new IamRole(this, 'node-role', {
      name: `${props.clusterName}-node`,
      assumeRolePolicy: assumeRolePolicy(this, 'node-assume', 'ec2.amazonaws.com', ['sts:AssumeRole']),
    });
    const nodePolicies = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'].map(
      (name) => new IamRolePolicyAttachment(this, `node-${name}`, { role: nodeRole.name, policyArn: `arn:aws:iam::aws:policy/${name}` }),
    );

    this.launchTemplate = new LaunchTemplate(this, 'node-template', {
      namePrefix: `${props.clusterName}-node-`,
      description: 'EKS nodes: IMDSv2 only, hop limit 1, encrypted gp3 root volume, no SSH key',
      updateDefaultVersion: true,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          // The account's EBS key: a customer key would also need a grant to the Auto Scaling service-linked role.
          ebs: { encrypted: 'true', volumeSize: nodes.diskSizeGiB ?? 50, volumeType: 'gp3', deleteOnTermination: 'true' },
        },
      ],
      tagSpecifications: [
        { resourceType: 'instance', tags },
        { resourceType: 'volume', tags },
      ],
    });

    this.nodeGroup = new EksNodeGroup(this, 'nodes', {
      clusterName: this.cluster.name,
      nodeGroupName: `${props.clusterName}-default`,
      nodeRoleArn: nodeRole.arn,
      subnetIds: props.subnetIds,
      version,
      amiType: 'AL2023_x86_64_STANDARD',
      instanceTypes: nodes.instanceTypes ?? ['m6i.large'],
      scalingConfig: { minSize: nodes.minSize ?? 2, desiredSize: nodes.desiredSize ?? 2, maxSize: nodes.maxSize ?? 4 },
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: this.launchTemplate.id, version: `${this.launchTemplate.latestVersion}` },
      dependsOn: nodePolicies,
    });
  }
}

/** Props of an `EksClusterStack`. */
export interface EksClusterStackProps extends HardenedEksClusterProps {}

/**
 * A Terraform stack of one `HardenedEksCluster` and its AWS provider (in `region`, tagging
 * every resource with the cluster's tags).
 */
export class EksClusterStack extends TerraformStack {
  public readonly eks: HardenedEksCluster;

  constructor(scope: Construct, id: string, props: EksClusterStackProps) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: props.region, defaultTags: [{ tags: clusterTags(props) }] });
    this.eks = new HardenedEksCluster(this, 'cluster', props);
  }
}

/** The tags of a cluster's resources. */
function clusterTags(props: HardenedEksClusterProps): Record<string, string> {
  return props.tags ?? { cluster: props.clusterName, 'managed-by': 'cdk8s-hardened' };
}

/** An assume-role policy document for one AWS service. */
function assumeRolePolicy(scope: Construct, id: string, service: string, actions: string[]): string {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [{ actions, principals: [{ type: 'Service', identifiers: [service] }] }],
  }).json;
}
