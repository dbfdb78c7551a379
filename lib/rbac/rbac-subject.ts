import { k8s } from 'cdk8s-plus-27';

/** Who a binding grants to: a group of people, a ServiceAccount, or (with an exception) one user. */
export class RbacSubject {
  /** A group from the identity provider (OIDC `groups` claim): the way to grant to people. */
  public static group(name: string): RbacSubject {
    return new RbacSubject({ kind: 'Group', name, apiGroup: 'rbac.authorization.k8s.io' });
  }

  /** The ServiceAccount `name` in `namespace`. */
  public static serviceAccount(namespace: string, name: string): RbacSubject {
    return new RbacSubject({ kind: 'ServiceAccount', name, namespace });
  }

  /** One person. Needs an exception to `rbac-no-user-subjects`: people leave, groups stay reviewed. */
  public static user(name: string): RbacSubject {
    return new RbacSubject({ kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io' });
  }

  private constructor(private readonly subject: k8s.Subject) {}

  /** The subject's kind: `Group`, `ServiceAccount` or `User`. */
  public get kind(): string {
    return this.subject.kind;
  }

  /** The subject's name. */
  public get name(): string {
    return this.subject.name;
  }

  /** The subject as written in a binding. */
  public toSubject(): k8s.Subject {
    return { ...this.subject };
  }
}

/** Subjects Kubernetes gives to everyone, every authenticated caller, or every ServiceAccount. */
export const BROAD_SUBJECTS: readonly string[] = [
  'system:anonymous',
  'system:unauthenticated',
  'system:authenticated',
  'system:serviceaccounts',
];
