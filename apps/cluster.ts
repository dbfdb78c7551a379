import { App } from 'cdktf';
import { EksClusterStack, GkeClusterStack } from '../lib/cloud';

// `npm run synth:cluster` runs this file: the reference cloud clusters as Terraform JSON in
// dist-cluster/stacks/<stack>/cdk.tf.json, offline (no terraform binary, no provider download).
// Apply with `terraform -chdir=dist-cluster/stacks/eks init && terraform ... apply` (or tofu).
const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'dist-cluster' });

new EksClusterStack(app, 'eks', {
  region: 'eu-west-1',
  clusterName: 'platform-eks',
  kubernetesVersion: '1.33',
  subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'],
  // The platform team's office range; everything else reaches the API through the VPC.
  publicAccessCidrs: ['203.0.113.0/24'],
});

new GkeClusterStack(app, 'gke', {
  project: 'example-platform',
  region: 'europe-west1',
  clusterName: 'platform-gke',
  network: 'platform',
  subnetwork: 'gke-nodes',
  secondaryRanges: { pods: 'gke-pods', services: 'gke-services' },
  authorizedNetworks: [{ cidr: '10.10.0.0/24', name: 'vpn' }],
  rbacSecurityGroup: 'gke-security-groups@example.com',
});

app.synth();
