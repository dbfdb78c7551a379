import { Rule } from '../../model';
import { noAppArmorUnconfined } from './apparmor';
import { pdbUnhealthyPodEvictionPolicy, podAntiAffinity } from './availability';
import { baselineCapabilities, dropAllCapabilities } from './capabilities';
import { noHostNamespaces } from './host-namespaces';
import { noHostPorts } from './host-ports';
import { noHostProbes } from './host-probes';
import { hpaTargetExists } from './hpa-target-exists';
import { imageDigest, imagePullAlways, noLatestTag } from './images';
import { imageRegistryAllowed } from './image-registry';
import { pdbSelectsPods } from './pdb-selects-pods';
import { noPrivilegeEscalation } from './privilege-escalation';
import { noPrivileged } from './privileged';
import { distinctProbes, livenessProbe, readinessProbe } from './probes';
import { noUnmaskedProcMount, restrictedProcMount } from './proc-mount';
import { readOnlyRootFilesystem } from './read-only-root-filesystem';
import { resourcesSet } from './resources';
import { noRootUser, runAsNonRoot } from './run-as-non-root';
import { noUnconfinedSeccomp, seccompRuntimeDefault } from './seccomp';
import { noCustomSELinux } from './selinux';
import { noDefaultServiceAccount, noServiceAccountToken } from './service-account';
import { noUnsafeSysctls } from './sysctls';
import { highUserGroupIds } from './user-group-ids';
import { noHostPath, restrictedVolumeTypes } from './volumes';
import { unjudgedPodTemplate } from './unjudged-pod-template';
import { noWindowsHostProcess } from './windows-host-process';

/** The Pod Security Standards baseline controls (policy v1.37), in upstream's order. */
export const PSS_BASELINE_RULES: readonly Rule[] = [
  noHostNamespaces,
  noPrivileged,
  baselineCapabilities,
  noHostPath,
  noHostPorts,
  noAppArmorUnconfined,
  noCustomSELinux,
  noUnmaskedProcMount,
  noUnconfinedSeccomp,
  noUnsafeSysctls,
  noWindowsHostProcess,
  noHostProbes,
];

/** The controls the restricted level adds to baseline (policy v1.37). */
export const PSS_RESTRICTED_RULES: readonly Rule[] = [
  restrictedVolumeTypes,
  noPrivilegeEscalation,
  runAsNonRoot,
  noRootUser,
  seccompRuntimeDefault,
  dropAllCapabilities,
  restrictedProcMount,
];

/** Our own workload hardening, beyond the Pod Security Standards. */
export const WORKLOAD_HARDENING_RULES: readonly Rule[] = [
  readOnlyRootFilesystem,
  highUserGroupIds,
  resourcesSet,
  imageDigest,
  imageRegistryAllowed,
  noLatestTag,
  imagePullAlways,
  readinessProbe,
  livenessProbe,
  noServiceAccountToken,
  noDefaultServiceAccount,
  distinctProbes,
  podAntiAffinity,
  pdbUnhealthyPodEvictionPolicy,
  unjudgedPodTemplate,
  hpaTargetExists,
  pdbSelectsPods,
];

/** Every pod rule. */
export const POD_RULES: readonly Rule[] = [...PSS_BASELINE_RULES, ...PSS_RESTRICTED_RULES, ...WORKLOAD_HARDENING_RULES];
