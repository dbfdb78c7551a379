import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** Props of a `TenantApplication`. */
export interface TenantApplicationProps {
  /** The tenant's namespace: the only one its Argo CD project may deploy to. */
  readonly namespace: string;
  /** The Git repository holding the synthesized output. */
  readonly repoUrl: string;
  /** Folder of the tenant's manifests in that repository, for example `dist/shop`. */
  readonly path: string;
  /** @default 'main' */
  readonly targetRevision?: string;
  /** @default 'https://kubernetes.default.svc' */
  readonly destinationServer?: string;
  /** @default 'argocd' */
  readonly argoCdNamespace?: string;
}

/**
 * Rolls a tenant's folder out with Argo CD: an AppProject that may deploy only from this
 * repository, only into the tenant's namespace, and no cluster-scoped kind but its
 * Namespace; and an Application that keeps the cluster in sync with the folder.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 */
export class TenantApplication extends Construct {
  constructor(scope: Construct, id: string, props: TenantApplicationProps) {
    super(scope, id);
    const argoCdNamespace = props.argoCdNamespace ?? 'argocd';
    const server = props.destinationServer ?? 'https://kubernetes.default.svc';
    new ApiObject(this, 'Project', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: props.namespace, namespace: argoCdNamespace },
      spec: {
        description: `Tenant ${props.namespace}: its namespace only`,
        sourceRepos: [props.repoUrl],
        destinations: [{ server, namespace: props.namespace }],
        // The tenant's Namespace is its only cluster-scoped object.
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      },
    });
    new ApiObject(this, 'Application', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: props.namespace, namespace: argoCdNamespace },
      spec: {
        project: props.namespace,
        source: { repoURL: props.repoUrl, targetRevision: props.targetRevision ?? 'main', path: props.path },
        destination: { server, namespace: props.namespace },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
      },
    });
  }
}
