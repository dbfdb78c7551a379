import { Construct } from 'constructs';
import { AccessProfile, ContainerLimits, HardenedNamespace, NamespaceAccess, RbacSubject } from '../lib';

/** Props of a `Tenant`. */
export interface TenantProps {
  /**
   * Name of the tenant's namespace.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /** Identity-provider groups that may read the tenant's workloads (never Secrets). @default - none */
  readonly viewerGroups?: string[];
  /** Groups that may change the tenant's workloads (no exec). @default - none */
  readonly developerGroups?: string[];
  /** Groups that administer the namespace (Secrets, NetworkPolicies, Roles). @default - none */
  readonly adminGroups?: string[];
  /** ResourceQuota entries over the namespace defaults. @default - the HardenedNamespace defaults */
  readonly quota?: { [resource: string]: string };
  /** LimitRange entries over the defaults. @default - the HardenedNamespace defaults */
  readonly containerLimits?: ContainerLimits;
}

/**
 * One team's space: a HardenedNamespace (Pod Security restricted, default deny, DNS, quota,
 * limits) with the people profiles bound to the team's groups. Build the team's workloads
 * inside it.
 */
export class Tenant extends HardenedNamespace {
  constructor(scope: Construct, id: string, props: TenantProps = {}) {
    super(scope, id, { name: props.name, quota: props.quota, containerLimits: props.containerLimits });
    const profiles: Array<[AccessProfile, string[] | undefined]> = [
      [AccessProfile.VIEWER, props.viewerGroups],
      [AccessProfile.DEVELOPER, props.developerGroups],
      [AccessProfile.ADMIN, props.adminGroups],
    ];
    for (const [profile, groups] of profiles) {
      if (!groups?.length) continue;
      new NamespaceAccess(this, `${profile}s`, { profile, name: `${profile}s`, subjects: groups.map((g) => RbacSubject.group(g)) });
    }
  }
}
