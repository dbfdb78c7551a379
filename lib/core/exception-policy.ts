import { compareText } from './compare-text';
import { IConstruct } from 'constructs';
import { HardeningError } from './hardening-error';
import { isKnownRule } from './exception-routing';
import { HardeningException, validateExceptions } from './exceptions';

/**
 * The exceptions a construct was given, and the one question constructs ask of them:
 * "may this prop weaken rule X?". A weakening without its exception throws a
 * `HardeningError` that names the field, what is wrong and both ways to fix it.
 */
export class ExceptionPolicy {
  private readonly byRule: Map<string, HardeningException>;

  constructor(private readonly scope: IConstruct, exceptions: readonly HardeningException[] | undefined) {
    this.byRule = validateExceptions(scope, exceptions);
    for (const rule of this.byRule.keys()) {
      if (!isKnownRule(rule)) {
        // A typo would otherwise except nothing, silently.
        throw new HardeningError(scope, `'exceptions' names '${rule}', which is not a rule of the review. Use the id printed by the review (for example 'read-only-root-filesystem').`);
      }
    }
  }

  /** Whether an exception to `rule` was given. */
  public allows(rule: string): boolean {
    return this.byRule.has(rule);
  }

  /**
   * Throws unless an exception to `rule` was given.
   *
   * @param field the prop at fault, for example `containers[0].securityContext.privileged`
   * @param problem what is wrong, as a sentence
   * @param fix how to comply instead, as an imperative sentence
   */
  public require(rule: string, field: string, problem: string, fix: string): void {
    if (this.allows(rule)) return;
    throw new HardeningError(this.scope,
      `'${field}': ${problem} ${fix} If it is really needed, add exceptions: [{ rule: '${rule}', reason: '<why this is needed and safe>' }].`);
  }

  /** The exceptions in a stable order, for recording as annotations. */
  public list(): HardeningException[] {
    return [...this.byRule.values()].sort((a, b) => compareText(a.rule, b.rule));
  }
}
