import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { writeScannerSkips } from '../policy/exception-routing';
import {
  NAMESPACE_ADMIN_ROLE_SKIPS,
  SECRET_ROTATION_SKIPS,
  WORKLOAD_AUTHOR_ROLE_SKIPS,
  WORKLOAD_AUTHOR_SKIPS,
} from '../policy/scanner-map';
import { HardeningException } from '../core/exceptions';
import { HardeningError } from '../core/hardening-error';
import { effectiveNamespace } from '../core/namespace-scope';
import { requireDns1123Label } from '../core/names';
import { checkGrantRules, GrantRule } from './grant-rules';
import { BROAD_SUBJECTS, RbacSubject } from './rbac-subject';
import { bindRole } from './role-binding';

/** What people may do in a namespace. None of them can escalate, bind or impersonate. */
export enum AccessProfile {
  /** Read workloads, their logs and events; never Secrets. */
  VIEWER = 'viewer',
  /** Viewer, plus change workloads, Services, ConfigMaps and scaling; no exec, attach or port-forward unless asked. */
  DEVELOPER = 'developer',
  /**
   * Developer, plus the namespace's Roles and RoleBindings, and updating or deleting Secrets.
   * Never reading or creating Secrets, nor writing NetworkPolicies: those are escalation powers
   * (see docs/rbac.md), and Secrets and policies come from the app's constructs.
   */
  ADMIN = 'admin',
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete'];
const APPS = ['deployments', 'statefulsets', 'daemonsets', 'replicasets'];

/** The rules of each profile, as data: each profile includes the one before it. */
export const PROFILE_RULES: Readonly<Record<AccessProfile, readonly GrantRule[]>> = {
  [AccessProfile.VIEWER]: [
    {
      apiGroups: [''],
      resources: [
        'pods',
        'pods/log',
        'services',
        'endpoints',
        'configmaps',
        'events',
        'persistentvolumeclaims',
        'serviceaccounts',
        'resourcequotas',
        'limitranges',
      ],
      verbs: READ,
    },
    { apiGroups: ['apps'], resources: APPS, verbs: READ },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: READ },
  ],
  [AccessProfile.DEVELOPER]: [
    { apiGroups: [''], resources: ['services', 'configmaps'], verbs: WRITE },
    { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
    { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: WRITE },
    { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'update', 'patch'] },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: WRITE },
  ],
  [AccessProfile.ADMIN]: [
    // Rotating or removing a Secret reads nothing; reading or creating one is an escalation power.
    { apiGroups: [''], resources: ['secrets'], verbs: ['update', 'patch', 'delete'] },
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: [...READ, ...WRITE] },
  ],
};

const PROFILE_ORDER = [AccessProfile.VIEWER, AccessProfile.DEVELOPER, AccessProfile.ADMIN];

/** Debugging access: shells, attach and port-forward into the namespace's pods. */
export const EXEC_RULE: GrantRule = {
  apiGroups: [''],
  resources: ['pods/exec', 'pods/attach', 'pods/portforward'],
  verbs: ['create', 'get'],
};

/** Props of a `NamespaceAccess`. */
export interface NamespaceAccessProps {
  /** What the subjects may do. */
  readonly profile: AccessProfile;

  /** Who: groups from the identity provider (`RbacSubject.group`); users need an exception. */
  readonly subjects: RbacSubject[];

  /**
   * Also allow exec, attach and port-forward (developer and admin). Needs an exception to
   * `rbac-no-exec-attach-portforward`.
   *
   * @default false
   */
  readonly allowExec?: boolean;

  /**
   * Name of the Role and RoleBinding.
   *
   * @default - `<profile>-<construct id>`
   */
  readonly name?: string;

  /**
   * Namespace the access is for.
   *
   * @default - the enclosing HardenedNamespace, else the chart's namespace
   */
  readonly namespace?: string;

  /**
   * Deliberate departures from RBAC rules, each with a reason, recorded on the Role or RoleBinding.
   *
   * @default - none
   */
  readonly exceptions?: HardeningException[];
}

/**
 * People's access to one namespace: a Role with the rules of a profile, bound to groups
 * from the identity provider. Never cluster-wide, never Secrets for viewers, never exec
 * unless asked and excepted, never escalate, bind or impersonate.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
export class NamespaceAccess extends Construct {
  /** The Role holding the profile's rules. */
  public readonly role: k8s.KubeRole;
  /** The RoleBinding to the subjects. */
  public readonly binding: k8s.KubeRoleBinding;

  constructor(scope: Construct, id: string, props: NamespaceAccessProps) {
    super(scope, id);
    const policy = new ExceptionPolicy(this, props.exceptions);
    const namespace = requireDns1123Label(this, 'namespace', effectiveNamespace(this, props.namespace));
    const name = requireDns1123Label(this, 'name', props.name ?? `${props.profile}-${id}`);
    if (!props.subjects.length) {
      throw new HardeningError(
        this,
        "'subjects' is empty. Bind the profile to a group, for example RbacSubject.group('oidc:shop-developers').",
      );
    }
    props.subjects.forEach((subject, i) => checkSubject(this, policy, `subjects[${i}]`, subject));

    const rules: GrantRule[] = PROFILE_ORDER.slice(0, PROFILE_ORDER.indexOf(props.profile) + 1).flatMap((p) => [...PROFILE_RULES[p]]);
    if (props.allowExec) {
      if (props.profile === AccessProfile.VIEWER) {
        throw new HardeningError(
          this,
          "'allowExec' is set for a viewer. Viewers only read; grant exec to the developer profile if it is needed.",
        );
      }
      rules.push(EXEC_RULE);
    }
    const { role, binding } = bindRole(this, {
      ids: ['Role', 'Binding'],
      metadata: { name, namespace },
      rules: checkGrantRules(this, policy, 'rules', rules, false),
      subjects: props.subjects.map((s) => s.toSubject()),
      exceptions: policy.list(),
    });
    this.role = role;
    this.binding = binding;
    // kube-linter's access checks (on the binding) and Trivy's (on the Role) count creating workloads,
    // deleting Secrets and managing the namespace's RBAC as escalation (see the skips' reasons).
    if (props.profile !== AccessProfile.VIEWER) {
      writeScannerSkips(binding, WORKLOAD_AUTHOR_SKIPS);
      writeScannerSkips(role, WORKLOAD_AUTHOR_ROLE_SKIPS);
    }
    if (props.profile === AccessProfile.ADMIN) {
      writeScannerSkips(binding, SECRET_ROTATION_SKIPS);
      writeScannerSkips(role, NAMESPACE_ADMIN_ROLE_SKIPS);
    }
  }
}

/** Refuses the subjects Kubernetes gives to everyone, and users without an exception. */
export function checkSubject(scope: Construct, policy: ExceptionPolicy, field: string, subject: RbacSubject): void {
  if (BROAD_SUBJECTS.includes(subject.name)) {
    throw new HardeningError(
      scope,
      `'${field}' is '${subject.name}', which is everyone (or every caller) of the cluster. Bind a group from your identity provider instead.`,
    );
  }
  if (subject.kind === 'ServiceAccount' && subject.name === 'default') {
    throw new HardeningError(
      scope,
      `'${field}' is a namespace's default ServiceAccount, which every pod without its own account runs as. Grant to the workload's own ServiceAccount.`,
    );
  }
  if (subject.kind === 'User') {
    policy.require(
      'rbac-no-user-subjects',
      field,
      `binds the user '${subject.name}' directly; access then outlives a change of team.`,
      'Bind a group from the identity provider.',
    );
  }
}
