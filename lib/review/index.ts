/**
 * The review engine: rules over plain Kubernetes objects, packs, the engine and its
 * reports. Nothing here imports a construct, so it judges any YAML.
 */
export * from './model';
export * from './pod-spec';
export * from './walkers';
export * from './packs';
export * from './exceptions';
export * from './exceptions-file';
export * from './platform-contract';
export * from './engine';
export * from './reports';
export * from './scanner-map';
export * from './rules/pod';
export * from './analyses';
export * from './rules/network';
export * from './rules/rbac';
export * from './rules/secrets';
export * from './rules/cluster';
