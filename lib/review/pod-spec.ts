/**
 * The parts of the Kubernetes Pod API that the pod rules read, typed loosely: every field is
 * optional because manifests come from anywhere. Field names follow core/v1.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 */

/** `seccompProfile` and `appArmorProfile` share this shape. */
export interface SecurityProfile {
  readonly type?: string;
  readonly localhostProfile?: string;
}

/** `seLinuxOptions` of a pod or container. */
export interface SELinuxOptions {
  readonly user?: string;
  readonly role?: string;
  readonly type?: string;
  readonly level?: string;
}

/** `windowsOptions` of a pod or container. */
export interface WindowsOptions {
  readonly hostProcess?: boolean;
  readonly runAsUserName?: string;
}

/** Fields a container inherits from the pod's security context when it does not set them. */
export interface InheritableSecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly seccompProfile?: SecurityProfile;
  readonly appArmorProfile?: SecurityProfile;
  readonly seLinuxOptions?: SELinuxOptions;
  readonly windowsOptions?: WindowsOptions;
}

/** A container's `securityContext`. */
export interface SecurityContext extends InheritableSecurityContext {
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly procMount?: string;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
}

/** The pod's `securityContext`. */
export interface PodSecurityContext extends InheritableSecurityContext {
  readonly fsGroup?: number;
  readonly supplementalGroups?: readonly number[];
  readonly sysctls?: readonly { readonly name?: string; readonly value?: string }[];
}

/** A probe or lifecycle handler: only the fields that can name a host are typed. */
export interface Handler {
  readonly httpGet?: { readonly host?: string; readonly [field: string]: unknown };
  readonly tcpSocket?: { readonly host?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** A container, init container or ephemeral container. */
export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly imagePullPolicy?: string;
  readonly ports?: readonly { readonly containerPort?: number; readonly hostPort?: number; readonly [field: string]: unknown }[];
  readonly securityContext?: SecurityContext;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string | number>>;
    readonly limits?: Readonly<Record<string, string | number>>;
  };
  readonly livenessProbe?: Handler;
  readonly readinessProbe?: Handler;
  readonly startupProbe?: Handler;
  readonly lifecycle?: { readonly postStart?: Handler; readonly preStop?: Handler };
  readonly restartPolicy?: string;
  readonly [field: string]: unknown;
}

/** A pod volume: its name plus exactly one source field (`configMap`, `hostPath`, ...). */
export interface Volume {
  readonly name?: string;
  readonly hostPath?: { readonly path?: string; readonly type?: string };
  readonly [source: string]: unknown;
}

/** A pod spec. */
export interface PodSpec {
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly ephemeralContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
  readonly securityContext?: PodSecurityContext;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly hostUsers?: boolean;
  readonly os?: { readonly name?: string };
  readonly serviceAccountName?: string;
  /** Deprecated alias of `serviceAccountName`, still honoured by the API server. */
  readonly serviceAccount?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly [field: string]: unknown;
}

/** The metadata of a pod or pod template (annotations such as AppArmor's live here). */
export interface PodMetadata {
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}
