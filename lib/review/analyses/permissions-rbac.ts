/**
 * RBAC objects read as plain data, with upstream's matching rules: what a PolicyRule covers,
 * who a binding names, and an index of the Roles and ClusterRoles of an output that resolves
 * ClusterRole aggregation. The RBAC review rules and the permissions analysis share it, so
 * both read RBAC the same way.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
import { appendTo } from '../../core/append-to';
import { compareText } from '../../core/compare-text';
import { KubeObject, ReviewContext } from '../model';
import { BUILT_IN_CLUSTER_ROLES } from '../rbac-data/built-in-roles';
import { isRecord, list } from '../walkers';
import { compileSelector, InvalidSelectorError, LabelIndex, readLabels, Selector } from './selectors';

/** The kinds that hold rules. */
export const RBAC_ROLE_KINDS: readonly string[] = ['Role', 'ClusterRole'];

/** The kinds that grant roles to subjects. */
export const RBAC_BINDING_KINDS: readonly string[] = ['RoleBinding', 'ClusterRoleBinding'];

/** The core API group, written `""` in manifests. */
export const CORE_GROUP = '';

/** One entry of a role's `rules`, its lists read defensively (non-string items left out). */
export interface PolicyRuleView {
  /** Index in the role's `rules`. */
  readonly index: number;
  readonly apiGroups: readonly string[];
  /** Resources as written: `pods`, `pods/exec`, `*`, `*\/scale` (the scale subresource of every resource). */
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** Empty: every object of the resources. */
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** The `rules` of a Role or ClusterRole as written (not resolving aggregation). */
export function policyRulesOf(role: KubeObject): PolicyRuleView[] {
  return list<unknown>(role.rules).flatMap((raw, index) =>
    isRecord(raw)
      ? [
          {
            index,
            apiGroups: strings(raw.apiGroups),
            resources: strings(raw.resources),
            verbs: strings(raw.verbs),
            resourceNames: strings(raw.resourceNames),
            nonResourceURLs: strings(raw.nonResourceURLs),
          },
        ]
      : [],
  );
}

/** The strings of a list, with their index in the list (other items are skipped but keep their place). */
export function indexedStrings(value: unknown): Array<{ readonly value: string; readonly index: number }> {
  return list<unknown>(value).flatMap((item, index) => (typeof item === 'string' ? [{ value: item, index }] : []));
}

function strings(value: unknown): string[] {
  return indexedStrings(value).map((s) => s.value);
}

/** Whether a rule's verbs cover `verb` (`*` covers every verb). */
export function verbCovered(verbs: readonly string[], verb: string): boolean {
  return verbs.includes(verb) || verbs.includes('*');
}

/** Whether a rule's apiGroups cover `group` (`*` covers every group). */
export function groupCovered(groups: readonly string[], group: string): boolean {
  return groups.includes(group) || groups.includes('*');
}

// The RBAC authorizer's resource matching is shared with the escalation-powers table (lib/policy).
export { resourceCovered, resourceEntryCovers } from '../../policy/rbac-wildcards';

/** A binding's `roleRef`. `kind` is `Role` or `ClusterRole` in valid manifests. */
export interface RoleRefView {
  readonly kind: string;
  readonly name: string;
}

/** The `roleRef` of a binding, or `undefined` when it has no kind and name. */
export function roleRefOf(binding: KubeObject): RoleRefView | undefined {
  const ref = binding.roleRef;
  if (!isRecord(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string' || ref.name === '') return undefined;
  return { kind: ref.kind, name: ref.name };
}

/** One entry of a binding's `subjects`. */
export interface SubjectView {
  /** Index in `subjects`. */
  readonly index: number;
  /** `User`, `Group` or `ServiceAccount` in valid manifests. */
  readonly kind: string;
  readonly name: string;
  /** For a ServiceAccount: its namespace, defaulted to the binding's (as the authorizer does) for a RoleBinding. */
  readonly namespace?: string;
}

/** The subjects of a binding that have a string kind and name. */
export function subjectsOf(binding: KubeObject): SubjectView[] {
  const bindingNamespace = binding.kind === 'RoleBinding' ? namespaceOf(binding) : undefined;
  return list<unknown>(binding.subjects).flatMap((raw, index): SubjectView[] => {
    if (!isRecord(raw) || typeof raw.kind !== 'string' || typeof raw.name !== 'string') return [];
    if (raw.kind !== 'ServiceAccount') return [{ index, kind: raw.kind, name: raw.name }];
    const namespace = typeof raw.namespace === 'string' && raw.namespace !== '' ? raw.namespace : bindingNamespace;
    return [namespace === undefined ? { index, kind: raw.kind, name: raw.name } : { index, kind: raw.kind, name: raw.name, namespace }];
  });
}

/** The namespace of a namespaced object, `default` when it names none. */
export function namespaceOf(obj: KubeObject): string {
  return typeof obj.metadata?.namespace === 'string' && obj.metadata.namespace !== '' ? obj.metadata.namespace : 'default';
}

/** The name of an object, `''` when it has none. */
export function nameOf(obj: KubeObject): string {
  return typeof obj.metadata?.name === 'string' ? obj.metadata.name : '';
}

/** A rule together with the role it is written in (for aggregated ClusterRoles, the role it comes from). */
export interface SourcedRule {
  readonly rule: PolicyRuleView;
  /** The role the rule is written in. */
  readonly source: RoleSource;
}

/** A Role (with its namespace) or a ClusterRole. */
export interface RoleSource {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
  readonly namespace?: string;
  /** A ClusterRole every cluster has (kube-apiserver's bootstrap policy), not defined in the objects. */
  readonly builtIn?: boolean;
}

/** What a ClusterRole's `aggregationRule` resolved to among the ClusterRoles of the output. */
export interface Aggregation {
  /** The ClusterRoles of the output its selectors match (transitively resolved), sorted. */
  readonly from: readonly string[];
  /** How many static rules it carries, which the aggregation controller replaces. */
  readonly staticRules: number;
  /** Selectors that match nothing here (refused by the API server) or everything (empty), in words. */
  readonly problems: readonly string[];
}

/**
 * The Roles and ClusterRoles of an output, indexed by (namespace, name) and by name, with the
 * effective rules of every role computed once.
 *
 * A ClusterRole with an `aggregationRule` gets, as upstream's aggregation controller gives
 * it, the rules of every ClusterRole its selectors match (its own static rules are replaced).
 * Besides the ClusterRoles of the output, the index knows the built-in ones of the Kubernetes
 * version the review targets (`BUILT_IN_CLUSTER_ROLES`), unless the output defines one of the
 * same name: so `admin`, `edit` and `view` are judged by their real rules, and a ClusterRole of
 * the output labelled `aggregate-to-view` flows into `view`. ClusterRoles created elsewhere in
 * the cluster still add rules this index cannot see.
 *
 * A role defined more than once counts with the rules of all its definitions, so the result
 * does not depend on the order of the objects (and errs on the side of more permissions).
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles
 */
export class RbacIndex {
  private readonly roles = new Map<string, KubeObject[]>();
  private readonly clusterRoles = new Map<string, KubeObject[]>();
  /** The ClusterRole name of each label-index id (one id per definition). */
  private readonly labelOwners: string[] = [];
  private readonly labelIndex: LabelIndex;
  private readonly effective = new Map<string, readonly SourcedRule[]>();
  private readonly aggregations = new Map<string, Aggregation>();
  /** The ClusterRoles taken from the built-in ones, by name. */
  private readonly builtIn = new Set<string>();

  /** `builtIns`: the ClusterRoles every cluster has, used where the objects define none of the name. */
  constructor(objects: readonly KubeObject[], builtIns: readonly KubeObject[] = BUILT_IN_CLUSTER_ROLES) {
    const labels: Array<ReadonlyMap<string, string>> = [];
    const addClusterRole = (obj: KubeObject) => {
      appendTo(this.clusterRoles, nameOf(obj), obj);
      this.labelOwners.push(nameOf(obj));
      labels.push(readLabels(obj.metadata?.labels));
    };
    for (const obj of objects) {
      if (obj.kind === 'Role') {
        appendTo(this.roles, roleKey(namespaceOf(obj), nameOf(obj)), obj);
      } else if (obj.kind === 'ClusterRole') {
        addClusterRole(obj);
      }
    }
    for (const obj of builtIns) {
      if (this.clusterRoles.has(nameOf(obj))) continue;
      this.builtIn.add(nameOf(obj));
      addClusterRole(obj);
    }
    this.labelIndex = new LabelIndex((id) => labels[id]);
    labels.forEach((_labels, id) => this.labelIndex.add(id));
  }

  /** Roles and ClusterRoles defined more than once, as `Role <namespace>/<name>` or `ClusterRole <name>`, sorted. */
  public duplicates(): string[] {
    return [
      ...[...this.roles].filter(([, copies]) => copies.length > 1).map(([key]) => `Role ${key.replace('\u0000', '/')}`),
      ...[...this.clusterRoles].filter(([, copies]) => copies.length > 1).map(([name]) => `ClusterRole ${name}`),
    ].sort(compareText);
  }

  /** Whether the ClusterRole `name` is a built-in one (not defined in the objects). */
  public isBuiltIn(name: string): boolean {
    return this.builtIn.has(name);
  }

  /** Every ClusterRole of the output with an `aggregationRule`, by name, sorted, with what it resolved to. */
  public aggregated(): Array<{ readonly clusterRole: string } & Aggregation> {
    return [...this.clusterRoles.keys()]
      .filter((name) => !this.builtIn.has(name) && this.isAggregated(name))
      .sort(compareText)
      .map((name) => ({ clusterRole: name, ...this.aggregation(name) }));
  }

  /**
   * The built-in aggregated ClusterRoles (`admin`, `edit`, `view`...) whose selectors match the
   * ClusterRole `name` of the output, directly or through another ClusterRole, sorted.
   */
  public builtInAggregatesOf(name: string): string[] {
    return [...this.builtIn].filter((target) => this.isAggregated(target) && this.gathered(target).includes(name)).sort(compareText);
  }

  /**
   * The rules a binding's role grants, or `undefined` when the role is not in the output.
   * `namespace` is the binding's (for a `Role` reference).
   */
  public rulesOf(ref: RoleRefView, namespace: string | undefined): readonly SourcedRule[] | undefined {
    if (ref.kind === 'ClusterRole') return this.clusterRoles.has(ref.name) ? this.clusterRoleRules(ref.name) : undefined;
    if (ref.kind !== 'Role' || namespace === undefined) return undefined;
    const key = roleKey(namespace, ref.name);
    const copies = this.roles.get(key);
    if (!copies) return undefined;
    let rules = this.effective.get(`Role\u0000${key}`);
    if (!rules) {
      const source: RoleSource = { kind: 'Role', namespace, name: ref.name };
      rules = copies.flatMap((copy) => policyRulesOf(copy).map((rule) => ({ rule, source })));
      this.effective.set(`Role\u0000${key}`, rules);
    }
    return rules;
  }

  /**
   * The effective rules of a ClusterRole of the output: the static rules of its definitions
   * without an aggregationRule and, for one with, the static rules of every ClusterRole
   * reachable through the selectors (the fixpoint the controller converges to), by name.
   */
  private clusterRoleRules(name: string): readonly SourcedRule[] {
    const key = `ClusterRole\u0000${name}`;
    const cached = this.effective.get(key);
    if (cached) return cached;
    const rules = [name, ...this.gathered(name)].flatMap((role) => this.staticRules(role));
    this.effective.set(key, rules);
    return rules;
  }

  /** The ClusterRoles an aggregated ClusterRole gathers, transitively, sorted; `[]` for one without an aggregationRule. */
  private gathered(name: string): string[] {
    const reached: string[] = [];
    if (this.isAggregated(name)) {
      const seen = new Set([name]);
      const queue = [name];
      while (queue.length > 0) {
        for (const other of this.aggregation(queue.shift()!).from) {
          if (seen.has(other)) continue;
          seen.add(other);
          reached.push(other);
          if (this.isAggregated(other)) queue.push(other);
        }
      }
    }
    return reached.sort(compareText);
  }

  /** The rules written in the definitions of a ClusterRole that have no aggregationRule. */
  private staticRules(name: string): SourcedRule[] {
    const source: RoleSource = this.builtIn.has(name) ? { kind: 'ClusterRole', name, builtIn: true } : { kind: 'ClusterRole', name };
    return (this.clusterRoles.get(name) ?? [])
      .filter((copy) => !isRecord(copy.aggregationRule))
      .flatMap((copy) => policyRulesOf(copy).map((rule) => ({ rule, source })));
  }

  private isAggregated(name: string): boolean {
    return (this.clusterRoles.get(name) ?? []).some((copy) => isRecord(copy.aggregationRule));
  }

  /** What an aggregated ClusterRole's selectors match directly, computed once. */
  private aggregation(name: string): Aggregation {
    const cached = this.aggregations.get(name);
    if (cached) return cached;
    const problems: string[] = [];
    const matched = new Set<string>();
    let staticRules = 0;
    for (const copy of this.clusterRoles.get(name) ?? []) {
      if (!isRecord(copy.aggregationRule)) continue;
      staticRules += policyRulesOf(copy).length;
      list<unknown>(copy.aggregationRule.clusterRoleSelectors).forEach((raw, i) => {
        const at = `aggregationRule.clusterRoleSelectors[${i}]`;
        let selector: Selector;
        try {
          selector = compileSelector(raw, at);
        } catch (error) {
          if (!(error instanceof InvalidSelectorError)) throw error;
          problems.push(`${error.message}, so it matches nothing`);
          return;
        }
        // Upstream turns an empty selector into "everything": every ClusterRole of the cluster.
        if (selector.requirements.length === 0)
          problems.push(`${at} is empty, so it aggregates every ClusterRole of the cluster, cluster-admin included`);
        this.labelIndex.select(selector).forEach((id) => matched.add(this.labelOwners[id]));
      });
    }
    // The controller skips the role itself.
    matched.delete(name);
    const aggregation: Aggregation = {
      from: [...matched].sort(compareText),
      staticRules,
      problems: [...new Set(problems)].sort(compareText),
    };
    this.aggregations.set(name, aggregation);
    return aggregation;
  }
}

/** The RBAC index of a review's objects, built once per review context. */
export function rbacIndexOf(context: ReviewContext): RbacIndex {
  return context.memo(buildRbacIndex, buildRbacIndex);
}

function buildRbacIndex(context: ReviewContext): RbacIndex {
  return new RbacIndex([...context.byKind('Role'), ...context.byKind('ClusterRole')]);
}

function roleKey(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

/** The verbs that read a Secret's data. */
export const SECRET_READ_VERBS: readonly string[] = ['get', 'list', 'watch'];

/**
 * The verbs of `wanted` a rule's verbs cover (`undefined` wanted: the rule's own verbs),
 * in the order of `wanted`.
 */
export function coveredVerbs(ruleVerbs: readonly string[], wanted: readonly string[] | undefined): string[] {
  return wanted === undefined ? [...ruleVerbs] : wanted.filter((verb) => verbCovered(ruleVerbs, verb));
}
