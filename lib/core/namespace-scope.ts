import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { appendTo } from './append-to';

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

/**
 * The namespace scopes of each construct tree, by its root, in creation order: the checks
 * that run once per traffic rule look here instead of walking the whole tree (which made
 * synth quadratic in the number of workloads).
 */
const scopesByRoot = new WeakMap<IConstruct, INamespaceScope[]>();

/** Marks `scope` as a namespace scope (called by `HardenedNamespace`). */
export function markNamespaceScope(scope: INamespaceScope): void {
  Object.defineProperty(scope, NAMESPACE_SCOPE, { value: true });
  registerInTree(scopesByRoot, scope);
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
 * Whether the app of `construct` has a namespace scope named `name`: the same answer as
 * `allNamespaceScopes(construct).some((s) => s.namespaceName === name)`, without walking
 * the tree.
 */
export function hasNamespaceScope(construct: IConstruct, name: string): boolean {
  return inTree(scopesByRoot, construct).some((scope) => scope.namespaceName === name && isAttached(scope));
}

/** Adds `construct` to the list kept for its tree (a construct never changes tree). */
export function registerInTree<T extends IConstruct>(registry: WeakMap<IConstruct, T[]>, construct: T): void {
  appendTo(registry, construct.node.root, construct);
}

/**
 * What `registerInTree` recorded for the tree of `construct`. Check `isAttached` before
 * trusting an entry: a construct removed with `tryRemoveChild` is no longer in the tree.
 */
export function inTree<T extends IConstruct>(registry: WeakMap<IConstruct, T[]>, construct: IConstruct): readonly T[] {
  return registry.get(construct.node.root) ?? [];
}

/** Whether `construct` is still reachable from its root (as `findAll` would find it). */
export function isAttached(construct: IConstruct): boolean {
  for (let child = construct; child.node.scope; child = child.node.scope) {
    if (child.node.scope.node.tryFindChild(child.node.id) !== child) return false;
  }
  return true;
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
