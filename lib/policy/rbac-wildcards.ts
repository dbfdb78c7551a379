/**
 * How the RBAC authorizer matches a rule's resources, shared by the escalation-powers table
 * (lib/policy) and the review's permissions analysis.
 */

/**
 * Whether one entry of a rule's resources covers `resource` (`pods` or `pods/exec`), as the
 * RBAC authorizer matches: exactly, `*` for everything (subresources included), or
 * `*\/<subresource>` for that subresource of every resource. `pods/*` is no wildcard upstream.
 */
export function resourceEntryCovers(entry: string, resource: string): boolean {
  return entriesCovering(resource).includes(entry);
}

/**
 * The entries of a rule's resources that cover `resource`: `*`, itself, and for a subresource
 * `*\/<subresource>` (the admission policies test a written list against these).
 */
export function entriesCovering(resource: string): readonly string[] {
  const slash = resource.indexOf('/');
  return slash > 0 ? ['*', resource, `*/${resource.slice(slash + 1)}`] : ['*', resource];
}

/** Whether any entry of a rule's resources covers `resource`. */
export function resourceCovered(resources: readonly string[], resource: string): boolean {
  return resources.some((entry) => resourceEntryCovers(entry, resource));
}
