/**
 * The admission policies a finished review stands for: the rules it ran, the exceptions it
 * applied, the Namespaces among its objects. One implementation for the synth gate
 * (`HardenedApp` `admissionPolicies`) and the command (`review --admission-policies`), so
 * both write the same policies for the same review.
 */
import { compareText } from '../../core/compare-text';
import { KubeObject, ReviewResult } from '../model';
import { ALL_RULES } from '../packs';
import { admissionPolicies, GeneratedPolicy } from './admission-policies';
import { admissionMarkdown } from './admission-report';

/** How the policies of a review are bound and what they allow beyond the rules. */
export interface ClusterPolicyOptions {
  /** Namespaces no policy judges (system namespaces, as the Pod Security admission configuration exempts). */
  readonly exemptNamespaces: readonly string[];
  /**
   * The registry allowlist the review judged images against (`ReviewOptions.allowedRegistries`).
   *
   * @default - any registry
   */
  readonly allowedRegistries?: readonly string[];
}

/** The policies, and the REVIEW.md section (`## In the cluster`) about them. */
export interface ClusterPolicies {
  readonly policies: readonly GeneratedPolicy[];
  readonly markdown: string;
}

/**
 * The admission policies generated from `result` (the review of `objects`): its rules that ran,
 * the exceptions it applied (an annotation it did not trust applied nothing, so grants nothing
 * here), bound by name in the Namespaces among `objects`.
 */
export function clusterPolicies(objects: readonly KubeObject[], result: ReviewResult, options: ClusterPolicyOptions): ClusterPolicies {
  const ran = new Set(result.rules.map((r) => r.id));
  const rules = ALL_RULES.filter((rule) => ran.has(rule.id));
  const declared = [
    ...new Set(
      objects
        .filter((o) => o.apiVersion === 'v1' && o.kind === 'Namespace' && typeof o.metadata?.name === 'string')
        .map((o) => o.metadata!.name!),
    ),
  ].sort(compareText);
  const exceptions = result.exceptions.filter((e) => e.status === 'applied');
  const policies = admissionPolicies({
    rules,
    exceptions,
    declaredNamespaces: declared,
    exemptNamespaces: options.exemptNamespaces,
    ...(options.allowedRegistries ? { allowedRegistries: options.allowedRegistries } : {}),
  });
  return {
    policies,
    markdown: admissionMarkdown(rules, policies, { declared, exempt: options.exemptNamespaces, exceptions: exceptions.length }),
  };
}
