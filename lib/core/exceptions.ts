import { compareText } from './compare-text';
import { IConstruct } from 'constructs';
import { HardeningError } from './hardening-error';

/**
 * A deliberate, reviewed departure from one hardening rule.
 *
 * Exceptions are the only way to weaken a default. Each one is recorded on the object it
 * covers as an annotation, so it survives into the YAML, is visible in `kubectl describe`
 * and is reported by the review engine next to the manifests.
 */
export interface HardeningException {
  /** The id of the rule being excepted, for example `no-privilege-escalation`. */
  readonly rule: string;
  /**
   * Why the departure is needed and acceptable: at least 10 characters, written for the
   * reviewer who will read it in the pull request.
   */
  readonly reason: string;
  /**
   * Last day (UTC, `YYYY-MM-DD`) on which the exception is valid. After it the review
   * reports the exception as expired and synth fails.
   *
   * @default - never expires
   */
  readonly expires?: string;
}

/** Annotation key prefix under which exceptions are recorded: `<prefix>/<rule-id>: <reason>`. */
export const EXCEPTION_ANNOTATION_PREFIX = 'exception.hardened.cdk8s.io';

/** Rule ids are kebab-case so they fit the name part of an annotation key. */
const RULE_ID = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EXPIRY_SUFFIX = / \(expires (\d{4}-\d{2}-\d{2})\)$/;
/** The shortest reason an exception may give. */
export const MIN_REASON_LENGTH = 10;

/** The annotation key that records an exception to `rule`. */
export function exceptionAnnotationKey(rule: string): string {
  return `${EXCEPTION_ANNOTATION_PREFIX}/${rule}`;
}

/** The annotation value that records `exception`: its reason, then its expiry if any. */
export function exceptionAnnotationValue(exception: HardeningException): string {
  const reason = exception.reason.trim();
  return exception.expires ? `${reason} (expires ${exception.expires})` : reason;
}

/**
 * Reads the exceptions recorded in an object's annotations. The inverse of
 * `exceptionAnnotationKey` / `exceptionAnnotationValue`; used by the review engine.
 */
export function exceptionsFromAnnotations(annotations: Record<string, unknown> | undefined): HardeningException[] {
  const found: HardeningException[] = [];
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (!key.startsWith(EXCEPTION_ANNOTATION_PREFIX + '/')) continue;
    const rule = key.slice(EXCEPTION_ANNOTATION_PREFIX.length + 1);
    const text = String(value ?? '');
    const expiry = EXPIRY_SUFFIX.exec(text);
    found.push(expiry
      ? { rule, reason: text.slice(0, expiry.index), expires: expiry[1] }
      : { rule, reason: text });
  }
  return found.sort((a, b) => compareText(a.rule, b.rule));
}

/** Whether `date` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const parsed = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return parsed.toISOString().slice(0, 10) === date;
}

/**
 * Checks a list of exceptions given to a construct and returns them keyed by rule id.
 * Refuses (with the construct path) an unknown-shaped rule id, a reason shorter than 10
 * characters, a malformed expiry and the same rule excepted twice.
 */
export function validateExceptions(scope: IConstruct, exceptions: readonly HardeningException[] | undefined): Map<string, HardeningException> {
  const byRule = new Map<string, HardeningException>();
  (exceptions ?? []).forEach((exception, i) => {
    const field = `exceptions[${i}]`;
    if (!RULE_ID.test(exception.rule ?? '')) {
      throw new HardeningError(scope, `'${field}.rule' must be a rule id such as 'no-privilege-escalation' (got '${exception.rule}'). Use the id printed by the review.`);
    }
    const reason = (exception.reason ?? '').trim();
    if (reason.length < MIN_REASON_LENGTH) {
      throw new HardeningError(scope, `'${field}.reason' for rule '${exception.rule}' must explain the exception in at least ${MIN_REASON_LENGTH} characters (got '${reason}'). Write why the departure is needed and safe.`);
    }
    if (exception.expires !== undefined && !isIsoDate(exception.expires)) {
      throw new HardeningError(scope, `'${field}.expires' must be a date written YYYY-MM-DD (got '${exception.expires}'). For example expires: '2027-03-31'.`);
    }
    if (byRule.has(exception.rule)) {
      throw new HardeningError(scope, `'${field}.rule' excepts '${exception.rule}' a second time. Keep one exception per rule.`);
    }
    byRule.set(exception.rule, exception);
  });
  return byRule;
}
