import { ALL_RULES } from '../../lib/review/packs';
import { LONG_RUNNING_KINDS as WALKED_LONG_RUNNING, POD_TEMPLATE_KINDS as WALKED_KINDS } from '../../lib/review/walkers';
import { kindsOfRule, LONG_RUNNING_KINDS, POD_TEMPLATE_KINDS, RULE_KINDS } from '../../lib/policy/rule-catalog';

/** The catalog is data the constructs read; the rules are the source it must agree with. */
describe('the rule catalog in lib/policy', () => {
  test('lists every rule of the review, in order, with the kinds it judges', () => {
    const fromRules = Object.fromEntries(ALL_RULES.map((rule) => [rule.id, [...rule.kinds]]));
    expect(Object.entries(RULE_KINDS).map(([id, kinds]) => [id, [...kinds]])).toEqual(Object.entries(fromRules));
  });

  test('knows the pod template kinds the walkers know', () => {
    expect(POD_TEMPLATE_KINDS).toEqual(WALKED_KINDS);
    expect(LONG_RUNNING_KINDS).toEqual(WALKED_LONG_RUNNING);
  });

  test('answers undefined for an unknown rule, never an inherited property', () => {
    expect(kindsOfRule('no-privileged')).toBeDefined();
    expect(kindsOfRule('no-such-rule')).toBeUndefined();
    expect(kindsOfRule('constructor')).toBeUndefined();
  });
});
