import { compareText } from '../core/compare-text';
import { IConstruct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { isKnownRule } from './exception-routing';
import { ANY_VALUE, ExceptionSource, HardeningException, validateExceptions } from '../core/exceptions';

/**
 * The exceptions a construct was given, and the one question constructs ask of them:
 * "may this prop weaken rule X (with value V)?". A weakening without its exception throws a
 * `HardeningError` that names the field, what is wrong and both ways to fix it.
 *
 * The values asked for are remembered: `list()` gives each exception with the values it
 * accepts, so the annotation names exactly what the construct was allowed (an exception for
 * `NET_ADMIN` does not accept `SYS_MODULE` patched in later).
 */
export class ExceptionPolicy implements ExceptionSource {
  private readonly byRule: Map<string, HardeningException>;
  /** The values asked for per rule, in the order asked. */
  private readonly asked = new Map<string, Set<string>>();

  constructor(
    /** The construct the exceptions were given to: errors about them name it. */
    public readonly scope: IConstruct,
    exceptions: readonly HardeningException[] | undefined,
  ) {
    this.byRule = validateExceptions(scope, exceptions);
    for (const rule of this.byRule.keys()) {
      if (!isKnownRule(rule)) {
        // A typo would otherwise except nothing, silently.
        throw new HardeningError(
          scope,
          `'exceptions' names '${rule}', which is not a rule of the review. Use the id printed by the review (for example 'read-only-root-filesystem').`,
        );
      }
    }
  }

  /** Whether an exception to `rule` was given. */
  public allows(rule: string): boolean {
    return this.byRule.has(rule);
  }

  /**
   * Throws unless an exception to `rule` was given (and, with `value`, unless the exception's
   * `accepts` leaves it out). Records `value` as accepted.
   *
   * @param field the prop at fault, for example `containers[0].securityContext.privileged`
   * @param problem what is wrong, as a sentence
   * @param fix how to comply instead, as an imperative sentence
   * @param value what the review's finding will name (`RuleFinding.value`): a capability, a host port, an image...
   */
  public require(rule: string, field: string, problem: string, fix: string, value?: string): void {
    const exception = this.byRule.get(rule);
    if (!exception) {
      throw new HardeningError(
        this.scope,
        `'${field}': ${problem} ${fix} If it is really needed, add exceptions: [{ rule: '${rule}', reason: '<why this is needed and safe>' }].`,
      );
    }
    const given = exception.accepts;
    if (given && !given.includes(ANY_VALUE)) {
      if (value === undefined) {
        throw new HardeningError(
          this.scope,
          `'${field}': ${problem} The exception to '${rule}' lists 'accepts', but this has no value to accept. Remove 'accepts' from it.`,
        );
      }
      if (!given.includes(value)) {
        throw new HardeningError(
          this.scope,
          `'${field}': ${problem} The exception to '${rule}' accepts only ${given.map((v) => `'${v}'`).join(', ')}. ${fix} Or add '${value}' to its 'accepts'.`,
        );
      }
    }
    if (value !== undefined) {
      const values = this.asked.get(rule) ?? new Set<string>();
      values.add(value);
      this.asked.set(rule, values);
    }
  }

  /**
   * The exceptions in a stable order, for recording as annotations: each with the values it
   * accepts (its own `accepts`, else the values asked for so far, sorted).
   */
  public list(): HardeningException[] {
    return [...this.byRule.values()]
      .sort((a, b) => compareText(a.rule, b.rule))
      .map((exception) => {
        if (exception.accepts) return { ...exception, accepts: [...exception.accepts] };
        const asked = this.asked.get(exception.rule);
        return asked?.size ? { ...exception, accepts: [...asked].sort(compareText) } : { ...exception };
      });
  }
}
