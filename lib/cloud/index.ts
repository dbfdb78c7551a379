/**
 * Cloud clusters as cdktf stacks (Terraform JSON for Terraform or OpenTofu). Its own entry
 * point, `cdk8s-hardened/lib/cloud`: the main index never loads cdktf, so cdk8s users do not
 * pay for it. cdktf is deprecated upstream (December 2025); it is used here only.
 */
export * from './cidrs';
export * from './cloud-error';
export * from './eks-cluster-stack';
export * from './gke-cluster-stack';
