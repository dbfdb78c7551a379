import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * How a workload finds the namespace it lives in without importing the namespace construct:
 * a `HardenedNamespace` marks itself as a namespace scope, and constructs created inside it
 * land in it.
 */
export interface INamespaceScope extends IConstruct {
  /** The Kubernetes name of the namespace. */
  readonly namespaceName: string;
}

const NAMESPACE_SCOPE = Symbol.for('cdk8s-hardened.NamespaceScope');

/** Marks `scope` as a namespace scope (called by `HardenedNamespace`). */
export function markNamespaceScope(scope: INamespaceScope): void {
  Object.defineProperty(scope, NAMESPACE_SCOPE, { value: true });
}

/** Whether `construct` is a namespace scope. */
export function isNamespaceScope(construct: IConstruct): construct is INamespaceScope {
  return (construct as unknown as Record<symbol, unknown>)[NAMESPACE_SCOPE] === true;
}

/** The innermost namespace scope enclosing `construct` (itself excluded), if any. */
export function enclosingNamespaceScope(construct: IConstruct): INamespaceScope | undefined {
  const scopes = construct.node.scopes;
  for (let i = scopes.length - 2; i >= 0; i--) {
    if (isNamespaceScope(scopes[i])) return scopes[i] as INamespaceScope;
  }
  return undefined;
}

/** Every namespace scope in the app of `construct`. */
export function allNamespaceScopes(construct: IConstruct): INamespaceScope[] {
  return construct.node.root.node.findAll().filter(isNamespaceScope);
}

/**
 * The namespace objects created under `construct` end up in: an explicit one, else the
 * enclosing `HardenedNamespace`, else the chart's, else `default`.
 */
export function effectiveNamespace(construct: IConstruct, explicit?: string): string {
  return explicit ?? enclosingNamespaceScope(construct)?.namespaceName ?? chartNamespace(construct) ?? 'default';
}

/** The namespace of the chart that contains `construct`, if it has one. */
export function chartNamespace(construct: IConstruct): string | undefined {
  try {
    return Chart.of(construct).namespace;
  } catch {
    return undefined;
  }
}

/** Keeps a cluster-scoped object free of the namespace its chart would stamp on it. */
export function clusterScoped(api: ApiObject): void {
  if (chartNamespace(api) !== undefined) api.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}
