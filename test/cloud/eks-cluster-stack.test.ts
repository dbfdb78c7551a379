import { Testing } from 'cdktf';
import { EKS_LOG_TYPES, EksClusterStack, HardenedEksCluster, HardenedEksClusterProps } from '../../lib/cloud';
import { onlyResource, resourcesOf } from './support';

const PROPS: HardenedEksClusterProps = {
  region: 'eu-west-1',
  clusterName: 'shop',
  subnetIds: ['subnet-0a', 'subnet-0b'],
};

const synth = (props: Partial<HardenedEksClusterProps> = {}) =>
  Testing.synthScope((scope) => {
    new HardenedEksCluster(scope, 'eks', { ...PROPS, ...props });
  });

describe('HardenedEksCluster', () => {
  const json = synth();
  const cluster = onlyResource(json, 'aws_eks_cluster');

  test('encrypts Secrets with its own KMS key, which rotates', () => {
    const keys = resourcesOf(json, 'aws_kms_key');
    const secretsKey = keys.find((k) => k.description.startsWith('Envelope encryption'));
    expect(secretsKey).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(secretsKey.policy).toMatch(/^\$\{data\.aws_iam_policy_document\..+\.json\}$/);
    expect(cluster.encryption_config).toEqual({
      resources: ['secrets'],
      provider: { key_arn: expect.stringMatching(/^\$\{aws_kms_key\.eks_secrets-key_\w+\.arn\}$/) },
    });
    for (const key of keys) expect(key.enable_key_rotation).toBe(true);
  });

  test('has a private API endpoint and no public one by default', () => {
    expect(cluster.vpc_config).toEqual({
      subnet_ids: ['subnet-0a', 'subnet-0b'],
      endpoint_private_access: true,
      endpoint_public_access: false,
    });
  });

  test('opens the public endpoint to the listed CIDRs only', () => {
    const open = onlyResource(synth({ publicAccessCidrs: ['203.0.113.0/24', '198.51.100.7/32'] }), 'aws_eks_cluster');
    expect(open.vpc_config).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ['203.0.113.0/24', '198.51.100.7/32'],
    });
  });

  test.each([
    ['0.0.0.0/0', 'opens the API to a large part of the internet'],
    ['10.0.0.0/7', 'opens the API to a large part of the internet'],
    ['203.0.113.1/24', 'is not an IPv4 CIDR block without host bits'],
    ['office', 'is not an IPv4 CIDR block without host bits'],
  ])('fails when a public access CIDR is %s', (cidr, problem) => {
    expect(() => synth({ publicAccessCidrs: [cidr] })).toThrow(`[stack/eks] 'publicAccessCidrs' entry '${cidr}' ${problem}`);
  });

  test('logs every control plane log type, a year, into a KMS-encrypted log group created first', () => {
    expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    expect(EKS_LOG_TYPES).toHaveLength(5);
    const logs = onlyResource(json, 'aws_cloudwatch_log_group');
    expect(logs).toMatchObject({
      name: '/aws/eks/shop/cluster',
      retention_in_days: 365,
      kms_key_id: expect.stringContaining('aws_kms_key.eks_logs-key'),
    });
    expect(cluster.depends_on).toEqual(expect.arrayContaining([expect.stringContaining('aws_cloudwatch_log_group.')]));
    expect(() => synth({ logRetentionDays: 30 })).toThrow("[stack/eks] 'logRetentionDays' must be at least 365 (got 30)");
  });

  test('pins the Kubernetes version of the cluster and its nodes', () => {
    expect(cluster.version).toBe('1.33');
    expect(onlyResource(json, 'aws_eks_node_group').version).toBe('1.33');
    expect(onlyResource(synth({ kubernetesVersion: '1.34' }), 'aws_eks_node_group').version).toBe('1.34');
    expect(() => synth({ kubernetesVersion: 'latest' })).toThrow(
      "[stack/eks] 'kubernetesVersion' must be a pinned major.minor such as '1.33' (got 'latest')",
    );
  });

  test('uses access entries (API), not the aws-auth ConfigMap, and protects the cluster from deletion', () => {
    expect(cluster.access_config).toEqual({ authentication_mode: 'API' });
    expect(cluster.deletion_protection).toBe(true);
  });

  test('nodes: IMDSv2 required with hop limit 1, encrypted volumes, no SSH key', () => {
    const template = onlyResource(json, 'aws_launch_template');
    expect(template.metadata_options).toEqual({
      http_endpoint: 'enabled',
      http_tokens: 'required',
      http_put_response_hop_limit: 1,
      instance_metadata_tags: 'disabled',
    });
    expect(template.block_device_mappings).toEqual([
      { device_name: '/dev/xvda', ebs: { encrypted: 'true', volume_size: 50, volume_type: 'gp3', delete_on_termination: 'true' } },
    ]);
    expect(template).not.toHaveProperty('key_name');
  });

  test('a managed node group on that launch template, with no remote access', () => {
    const nodes = onlyResource(json, 'aws_eks_node_group');
    expect(nodes).not.toHaveProperty('remote_access');
    expect(nodes.launch_template).toEqual({
      id: expect.stringContaining('aws_launch_template.'),
      version: expect.stringContaining('.latest_version'),
    });
    expect(nodes).toMatchObject({
      ami_type: 'AL2023_x86_64_STANDARD',
      instance_types: ['m6i.large'],
      scaling_config: { min_size: 2, desired_size: 2, max_size: 4 },
    });
  });

  test('fails with fewer than two subnets', () => {
    expect(() => synth({ subnetIds: ['subnet-0a'] })).toThrow(
      "[stack/eks] 'subnetIds' needs at least two private subnets in different zones (got 1)",
    );
  });
});

describe('EksClusterStack', () => {
  test('matches its snapshot: the provider in the region, tagging every resource, and the cluster', () => {
    const stack = new EksClusterStack(Testing.app(), 'eks', { ...PROPS, publicAccessCidrs: ['203.0.113.0/24'] });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.provider.aws).toEqual([
      { region: 'eu-west-1', default_tags: [{ tags: { cluster: 'shop', 'managed-by': 'cdk8s-hardened' } }] },
    ]);
    expect(json).toMatchSnapshot();
  });
});
