/**
 * The public API of cdk8s-hardened: named exports only, grouped by what users do. A name is
 * here because a user calls it or names it in a type; everything else is an internal of its
 * module. test/public-api-surface.test.ts lists the runtime exports, so adding or removing one
 * is a visible decision.
 */

// Workloads: the constructs, their containers, probes, environment, volumes and resources.
export { HardenedWorkload } from './workload/hardened-workload';
export type {
  AllowFromIngressControllerOptions,
  AllowFromPodsOptions,
  AllowTrafficOptions,
  CidrTrafficOptions,
  HardenedWorkloadProps,
  WorkloadIsolation,
} from './workload/hardened-workload';
export { HardenedDeployment } from './workload/hardened-deployment';
export type { HardenedDeploymentProps } from './workload/hardened-deployment';
export { HardenedStatefulSet } from './workload/hardened-stateful-set';
export type { HardenedStatefulSetProps, StatefulVolumeClaim } from './workload/hardened-stateful-set';
export { HardenedDaemonSet } from './workload/hardened-daemon-set';
export type { HardenedDaemonSetProps } from './workload/hardened-daemon-set';
export { HardenedJob } from './workload/hardened-job';
export type { HardenedJobProps } from './workload/hardened-job';
export { HardenedCronJob } from './workload/hardened-cron-job';
export type { HardenedCronJobProps } from './workload/hardened-cron-job';
export type { HardenedContainerProps, HardenedContainerSecurity, SecretEnvVariable, SecretMount } from './workload/hardened-container';
export type { ContainerPort } from './workload/container-port';
export { WorkloadSize } from './workload/resources';
export { Cpu } from './workload/container-resources';
export type { ContainerResources, CpuResources, SizeResources } from './workload/container-resources';
export { HealthCheck, HttpScheme } from './workload/health-check';
export type { HealthCheckOptions, HttpHealthCheckOptions, TcpHealthCheckOptions } from './workload/health-check';
export { LifecycleHook } from './workload/lifecycle-hook';
export type { ContainerLifecycle, HttpLifecycleHookOptions } from './workload/lifecycle-hook';
export { EnvValue, PodField } from './workload/env-value';
export type { EnvKeyOptions } from './workload/env-value';
export { EnvFrom } from './workload/env-from';
export type { EnvFromOptions } from './workload/env-from';
export { PodVolume } from './workload/pod-volume';
export type { ConfigMapVolumeOptions, EmptyDirVolumeOptions, PersistentVolumeClaimVolumeOptions } from './workload/pod-volume';
export type { VolumeMount } from './workload/volume-mount';
export { ImagePullPolicy } from './workload/image-pull-policy';
export { ConcurrencyPolicy } from './workload/concurrency-policy';

// Namespaces and traffic between workloads.
export { HardenedNamespace, PodSecurityLevel } from './namespace/hardened-namespace';
export type { ContainerLimits, DnsAllowance, HardenedNamespaceProps } from './namespace/hardened-namespace';
export { NetworkProtocol } from './network/traffic-rules';
export type { ExposedPort, ITrafficEndpoint, TrafficPort } from './network/traffic-rules';

// RBAC: access to a namespace, grants across the cluster, who is granted.
export { AccessProfile, NamespaceAccess } from './rbac/namespace-access';
export type { NamespaceAccessProps } from './rbac/namespace-access';
export { ClusterGrant } from './rbac/cluster-grant';
export type { ClusterGrantProps } from './rbac/cluster-grant';
export type { GrantRule } from './rbac/grant-rules';
export { RbacSubject } from './rbac/rbac-subject';

// Secrets: values from outside the code, sealed or fetched; encryption at rest.
export { SecretValue } from './secrets/secret-value';
export { SealedSecret } from './secrets/sealed-secret';
export type { SealedSecretProps } from './secrets/sealed-secret';
export { SealingCertificate } from './secrets/sealing-certificate';
export { SealingCache } from './secrets/sealing-cache';
export { SealingScope } from './secrets/seal';
export { ExternalSecret, SecretStoreKind } from './secrets/external-secret';
export type { ExternalSecretData, ExternalSecretProps, RemoteRef, SecretStoreRef } from './secrets/external-secret';
export { encryptionConfiguration, LocalEncryption, writeEncryptionConfiguration } from './secrets/encryption-configuration';
export type {
  EncryptionConfigurationOptions,
  KmsV2Encryption,
  LocalEncryptionKey,
  LocalKeyEncryption,
} from './secrets/encryption-configuration';

// Cluster: a self-managed control plane's configuration files.
export {
  admissionConfiguration,
  auditPolicy,
  authenticationConfiguration,
  clusterConfiguration,
  ControlPlaneHardening,
  kubeletConfiguration,
} from './cluster';
export type {
  AdmissionOptions,
  AuditLogOptions,
  AuditOptions,
  AuditWebhookOptions,
  AuthenticationOptions,
  ControlPlaneHardeningOptions,
  KubeadmOptions,
  PodSecurityExemption,
} from './cluster';

// Monitoring: alerts for what an attacker does, and the audit log shipped off the control plane.
export { AuditLogShipper, NetworkPolicyDropSource, SecurityAlerts } from './monitoring';
export type { AuditLogShipperProps, AuditLogSink, SecurityAlertsProps } from './monitoring';

// Review: the engine as a function, the rules a user may add, the result and its reports.
export { review, reviewJson, reviewMarkdown, reviewSarif } from './review';
export type {
  AdmissionScope,
  AdmissionValidation,
  AppliedException,
  ExceptionEntry,
  ExceptionRecord,
  ExceptionSourceKind,
  ExceptionStatus,
  Finding,
  KubeMetadata,
  KubeObject,
  ObjectRef,
  ReferenceId,
  ReviewContext,
  ReviewCounts,
  ReviewOptions,
  ReviewResult,
  ReviewTarget,
  Rule,
  RuleFinding,
  RuleInfo,
  RuleReferences,
  Severity,
  SeverityCounts,
} from './review';

// The app: synth, review gate and publish; the errors a user catches.
export { HardenedApp } from './app/hardened-app';
export type { AddFileOptions, HardenedAppProps } from './app/hardened-app';
export { PublishLayout } from './app/publish';
export { HardeningError } from './core/hardening-error';
export { ExceptionsFileError, PlatformContractError } from './review';

// Exceptions: a rule a construct is allowed to break, with its reason.
export type { HardeningException } from './core/exceptions';

// Add-ons: the controllers the platform relies on, from vendored upstream releases, hardened and reviewed.
export { ArgoCd, CertManager, ExternalSecretsOperator, IngressNginx, SealedSecretsController } from './addons';
export type {
  AddOnResources,
  ApiServerAddress,
  ArgoCdProps,
  ArgoCdResources,
  CertManagerProps,
  ExternalSecretsOperatorProps,
  IngressNginxProps,
  RemoteServer,
  SealedSecretsControllerProps,
} from './addons';
