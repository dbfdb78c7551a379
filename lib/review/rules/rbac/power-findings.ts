/**
 * The one check behind the rules that report escalation powers of the table: a role's
 * written rules, wildcards expanded, matched against `ESCALATION_POWERS`.
 */
import { isUnchangedBuiltInRole } from '../../rbac-data/built-in-roles';
import { policyRulesOf, SourcedRule } from '../../analyses/permissions-rbac';
import { AdmissionScope, AdmissionValidation, KubeObject, Rule, RuleFinding } from '../../model';
import { celHoldsPower, celUnchangedBuiltInRole } from '../../admission/rbac-cel';
import { celString } from '../../admission/cel';
import { JUDGED_ALONE } from '../../admission/judged-alone';
import { EscalationPower, ESCALATION_POWERS, HeldPower, PowerScope, powersOfRule } from '../../../policy/escalation-powers';
import { finding, quote } from '../../walkers';

/** `<what> (<verbs> on <resources>)`: a held power in words. */
export function describeHeld(held: HeldPower): string {
  return `${held.power.what} (${held.verbs.join(', ')} on ${held.resources.join(', ')})`;
}

/**
 * The findings of `ruleId` on a Role or ClusterRole: one per written rule and power, at
 * `rules[i]`, the power's name as the value. A Role grants only in its namespace, so powers
 * over cluster-scoped resources count only in a ClusterRole.
 */
export function rolePowerFindings(obj: KubeObject, ruleId: string): RuleFinding[] {
  // The cluster's own roles, unchanged, are the platform's: the bindings to them are judged.
  if (isUnchangedBuiltInRole(obj)) return [];
  const where: PowerScope = obj.kind === 'Role' ? 'namespace' : 'cluster';
  return policyRulesOf(obj).flatMap((rule) =>
    powersOfRule(rule, where)
      .filter((held) => held.power.rule === ruleId)
      .map((held) => finding(`rules[${rule.index}]`, `rule ${rule.index} lets its holders ${describeHeld(held)}`, held.power.name)),
  );
}

/**
 * The admission validation of a rule over roles: true when no written rule gives one of
 * `powers` (`holds`: CEL of the power over the PolicyRule variable `r`) but those an exception
 * names, or the role is a built-in ClusterRole unchanged (found by running `check`, the rule's
 * own, on each). One validation per rule, not per power: an object that breaks many rules
 * still gets a warning naming each (the API server keeps 4 KB of warnings per request).
 */
export function powersValidation(
  s: AdmissionScope,
  powers: readonly EscalationPower[],
  check: Rule['check'],
  holds: (power: EscalationPower, rule: string) => string,
): AdmissionValidation {
  const unchanged = celUnchangedBuiltInRole(s.object, (role) => powers.some((power) => findsValue(check, role, power.name)));
  const each = powers.map(
    (power) => `(!${s.object}.?rules.orValue([]).exists(r, ${holds(power, 'r')}) || ${s.accepts(celString(power.name))})`,
  );
  return {
    expression: `${unchanged} || (${each.join(' && ')})`,
    message: `A rule gives one of the powers ${powers.map((power) => power.name).join(', ')}.`,
  };
}

/** The admission of `rolePowerFindings`: powers over cluster-scoped resources count only in a ClusterRole. */
export function rolePowerAdmission(ruleId: string, check: Rule['check']): (s: AdmissionScope) => AdmissionValidation[] {
  const powers = ESCALATION_POWERS.filter((power) => power.rule === ruleId);
  return (s) => [
    powersValidation(
      s,
      powers,
      check,
      (power, r) => `(${s.object}.kind == "Role" ? ${celHoldsPower(r, power, 'namespace')} : ${celHoldsPower(r, power, 'cluster')})`,
    ),
  ];
}

/** Whether `check` (of a rule over roles, which reads the role alone) reports `value` on a built-in ClusterRole (as the data holds it: without the label that marks it unchanged). */
export function findsValue(check: Rule['check'], role: KubeObject, value: string | undefined): boolean {
  return check(role, JUDGED_ALONE).some((f) => f.value === value);
}

/** The powers a role's effective rules give where bound, in table order, each with the first rule (and its role) that gives it. */
export function powersOfRules(
  rules: readonly SourcedRule[],
  where: PowerScope,
): Array<{ readonly held: HeldPower; readonly from: SourcedRule }> {
  const found = new Map<string, { held: HeldPower; from: SourcedRule }>();
  for (const sourced of rules) {
    for (const held of powersOfRule(sourced.rule, where))
      if (!found.has(held.power.name)) found.set(held.power.name, { held, from: sourced });
  }
  return ESCALATION_POWERS.flatMap((power) => found.get(power.name) ?? []);
}

/** `rule 3 of ClusterRole "system:aggregate-to-edit"`: where a rule comes from, for a binding's message. */
export function ruleOrigin(sourced: SourcedRule): string {
  return `rule ${sourced.rule.index} of ${sourced.source.builtIn ? 'built-in ' : ''}${sourced.source.kind} ${quote(sourced.source.name)}`;
}
