/**
 * Cloud clusters as cdktf stacks (Terraform JSON for Terraform or OpenTofu), in this repository
 * only (apps/cluster.ts): not built into the package, and the main index never loads cdktf, so
 * cdk8s users do not pay for it. cdktf is deprecated upstream (December 2025).
 */
export * from './cidrs';
export * from './cloud-error';
export * from './eks-cluster-stack';
export * from './gke-cluster-stack';
