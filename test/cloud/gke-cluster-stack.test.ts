import { Testing } from 'cdktf';
import { GKE_NODE_ROLES, GkeClusterStack, HardenedGkeCluster, HardenedGkeClusterProps } from '../../lib/cloud';
import { onlyResource, resourcesOf } from './support';

const PROPS: HardenedGkeClusterProps = {
  project: 'shop-prod',
  region: 'europe-west1',
  clusterName: 'shop',
  network: 'platform',
  subnetwork: 'gke-nodes',
  secondaryRanges: { pods: 'pods', services: 'services' },
  authorizedNetworks: [{ cidr: '10.10.0.0/24', name: 'vpn' }],
};

const synth = (props: Partial<HardenedGkeClusterProps> = {}) =>
  Testing.synthScope((scope) => {
    new HardenedGkeCluster(scope, 'gke', { ...PROPS, ...props });
  });

describe('HardenedGkeCluster', () => {
  const json = synth();
  const cluster = onlyResource(json, 'google_container_cluster');
  const pool = onlyResource(json, 'google_container_node_pool');

  test('is private: private nodes, a private endpoint, reachable from the authorized networks only', () => {
    expect(cluster.private_cluster_config).toEqual({
      enable_private_nodes: true,
      enable_private_endpoint: true,
      master_ipv4_cidr_block: '172.16.0.0/28',
    });
    expect(cluster.master_authorized_networks_config).toEqual({
      gcp_public_cidrs_access_enabled: false,
      cidr_blocks: [{ cidr_block: '10.10.0.0/24', display_name: 'vpn' }],
    });
  });

  test.each([
    [[], "[stack/gke] 'authorizedNetworks' must list at least one network"],
    [
      [{ cidr: '0.0.0.0/0', name: 'anyone' }],
      "[stack/gke] 'authorizedNetworks' entry '0.0.0.0/0' (anyone) opens the API to a large part of the internet",
    ],
  ])('fails when the authorized networks are %j', (authorizedNetworks, message) => {
    expect(() => synth({ authorizedNetworks })).toThrow(message);
  });

  test('shielded nodes with secure boot and integrity monitoring, on Container-Optimized OS', () => {
    expect(cluster.enable_shielded_nodes).toBe(true);
    for (const config of [pool.node_config, cluster.node_config]) {
      expect(config.shielded_instance_config).toEqual({ enable_secure_boot: true, enable_integrity_monitoring: true });
      expect(config.image_type).toBe('COS_CONTAINERD');
    }
  });

  test('workload identity, with the node metadata server hidden from pods', () => {
    expect(cluster.workload_identity_config).toEqual({ workload_pool: 'shop-prod.svc.id.goog' });
    expect(pool.node_config.workload_metadata_config).toEqual({ mode: 'GKE_METADATA' });
    expect(pool.node_config.metadata).toEqual({ 'disable-legacy-endpoints': 'true' });
  });

  test('encrypts Secrets at the application layer with a Cloud KMS key rotated every 90 days, usable by GKE only', () => {
    const key = onlyResource(json, 'google_kms_crypto_key');
    expect(key).toMatchObject({ rotation_period: '7776000s', purpose: 'ENCRYPT_DECRYPT', lifecycle: { prevent_destroy: true } });
    expect(cluster.database_encryption).toEqual({
      state: 'ENCRYPTED',
      key_name: expect.stringMatching(/^\$\{google_kms_crypto_key\.gke_secrets-key_\w+\.id\}$/),
    });
    const grant = onlyResource(json, 'google_kms_crypto_key_iam_member');
    expect(grant).toMatchObject({
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: expect.stringMatching(
        /^serviceAccount:service-\$\{data\.google_project\.\w+\.number\}@container-engine-robot\.iam\.gserviceaccount\.com$/,
      ),
    });
    expect(cluster.depends_on).toEqual([expect.stringContaining('google_kms_crypto_key_iam_member.')]);
  });

  test('enforces network policy; legacy ABAC, client certificates and basic auth off; binary authorization on', () => {
    expect(cluster.network_policy).toEqual({ enabled: true, provider: 'CALICO' });
    expect(cluster.addons_config.network_policy_config).toEqual({ disabled: false });
    expect(cluster.enable_legacy_abac).toBe(false);
    expect(cluster.master_auth).toEqual({ client_certificate_config: { issue_client_certificate: false } });
    expect(cluster.binary_authorization).toEqual({ evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' });
  });

  test('nodes run as their own service account with logging, monitoring and image pulls only, repaired and upgraded automatically', () => {
    expect(pool.node_config.service_account).toMatch(/^\$\{google_service_account\.gke_node-account_\w+\.email\}$/);
    expect(
      resourcesOf(json, 'google_project_iam_member')
        .map((m) => m.role)
        .sort(),
    ).toEqual([...GKE_NODE_ROLES].sort());
    expect(pool.management).toEqual({ auto_repair: true, auto_upgrade: true });
    expect(cluster.remove_default_node_pool).toBe(true);
    expect(cluster.release_channel).toEqual({ channel: 'STABLE' });
  });

  test('uses Google Groups for RBAC when given a security group', () => {
    expect(cluster).not.toHaveProperty('authenticator_groups_config');
    expect(
      onlyResource(synth({ rbacSecurityGroup: 'gke-security-groups@example.com' }), 'google_container_cluster').authenticator_groups_config,
    ).toEqual({ security_group: 'gke-security-groups@example.com' });
  });
});

describe('GkeClusterStack', () => {
  test('matches its snapshot: the provider in the project and region, and the cluster', () => {
    const stack = new GkeClusterStack(Testing.app(), 'gke', PROPS);
    const json = JSON.parse(Testing.synth(stack));
    expect(json.provider.google).toEqual([{ project: 'shop-prod', region: 'europe-west1' }]);
    expect(json).toMatchSnapshot();
  });
});
