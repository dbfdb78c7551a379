import { exceptionAnnotationKey, exceptionsFromAnnotations, isIsoDate, MIN_REASON_LENGTH } from '../core/exceptions';
import { AppliedException, RuleInfo } from './model';

/** Shortest reason an exception may give, as for exceptions given to constructs. */
export const MIN_EXCEPTION_REASON_LENGTH = MIN_REASON_LENGTH;

/** An exception whose expiry date has passed: it no longer suppresses anything. */
export const EXCEPTION_EXPIRED: RuleInfo = {
  id: 'exception-expired',
  title: 'Exceptions are renewed or removed before they expire',
  severity: 'error',
  references: {},
  remediation: 'Fix the finding the exception covered and remove the exception, or review it again and move its expiry date.',
};

/** An exception that covers no finding: probably stale, or a typo in the rule id. */
export const EXCEPTION_UNUSED: RuleInfo = {
  id: 'exception-unused',
  title: 'Every exception covers a finding',
  severity: 'warning',
  references: {},
  remediation: 'Remove the exception, or correct its rule id to the id printed by the review.',
};

/** An exception without a real reason: refused, so it suppresses nothing. */
export const EXCEPTION_WITHOUT_REASON: RuleInfo = {
  id: 'exception-without-reason',
  title: `Every exception says why, in at least ${MIN_EXCEPTION_REASON_LENGTH} characters`,
  severity: 'error',
  references: {},
  remediation: `Write in the annotation value why the departure is needed and safe, in at least ${MIN_EXCEPTION_REASON_LENGTH} characters.`,
};

/** A rule that threw on an object: the object could not be judged by it. */
export const RULE_ERROR: RuleInfo = {
  id: 'rule-error',
  title: 'Every rule can judge every object',
  severity: 'error',
  references: {},
  remediation: 'Check that the object is well formed (the message names the rule and its error); if it is, report the rule\'s bug.',
};

/** The findings the engine itself raises, about exceptions and failing rules. */
export const ENGINE_RULES: readonly RuleInfo[] = [EXCEPTION_EXPIRED, EXCEPTION_UNUSED, EXCEPTION_WITHOUT_REASON, RULE_ERROR];

/** What the review knows about a rule an exception names, for one object. */
export type RuleStatus =
  /** The rule ran on the object. */
  | 'ran'
  /** The rule exists but was not selected (its pack was not chosen, or a stricter rule replaced it). */
  | 'inactive'
  /** The rule is selected but does not apply to the object's kind. */
  | 'not-applicable'
  /** The rule threw on the object. */
  | 'failed'
  /** No rule has this id. */
  | 'unknown';

/** A problem with an exception annotation, reported against the object. */
export interface ExceptionProblem {
  readonly rule: RuleInfo;
  readonly path: string;
  readonly message: string;
}

/** One exception annotation as read, before the review knows whether it was used. */
export interface ReadException {
  readonly rule: string;
  readonly reason: string;
  readonly expires?: string;
  readonly status: 'valid' | 'expired' | 'without-reason';
}

/** The exceptions of one object: all of them, the valid ones by rule id, and the problems with the others. */
export interface ObjectExceptions {
  readonly all: readonly ReadException[];
  readonly valid: ReadonlyMap<string, AppliedException>;
  readonly problems: readonly ExceptionProblem[];
}

/** JSON path of the annotation that records an exception to `rule`. */
export function exceptionPath(rule: string): string {
  return `metadata.annotations[${JSON.stringify(exceptionAnnotationKey(rule))}]`;
}

/**
 * Reads an object's exception annotations and sorts them: a reason shorter than 10
 * characters is refused, an expiry before `today` (or not a real date) has lapsed; the
 * rest are valid and may suppress findings.
 */
export function readExceptions(annotations: Record<string, unknown> | undefined, today: string): ObjectExceptions {
  const all: ReadException[] = [];
  const valid = new Map<string, AppliedException>();
  const problems: ExceptionProblem[] = [];
  for (const { rule, reason, expires } of exceptionsFromAnnotations(annotations)) {
    const path = exceptionPath(rule);
    const trimmed = reason.trim();
    const record = (status: ReadException['status']) => all.push(expires === undefined ? { rule, reason: trimmed, status } : { rule, reason: trimmed, expires, status });
    if (trimmed.length < MIN_EXCEPTION_REASON_LENGTH) {
      record('without-reason');
      problems.push({
        rule: EXCEPTION_WITHOUT_REASON,
        path,
        message: `exception to "${rule}" gives the reason ${JSON.stringify(trimmed)}, shorter than ${MIN_EXCEPTION_REASON_LENGTH} characters, so it is ignored`,
      });
    } else if (expires !== undefined && !isIsoDate(expires)) {
      record('expired');
      problems.push({ rule: EXCEPTION_EXPIRED, path, message: `exception to "${rule}" expires on "${expires}", which is not a date, so it is ignored` });
    } else if (expires !== undefined && expires < today) {
      record('expired');
      problems.push({ rule: EXCEPTION_EXPIRED, path, message: `exception to "${rule}" expired on ${expires} (today is ${today}), so it no longer suppresses anything` });
    } else {
      record('valid');
      valid.set(rule, expires === undefined ? { reason: trimmed } : { reason: trimmed, expires });
    }
  }
  return { all, valid, problems };
}

/**
 * The warning for a valid exception that suppressed nothing, or `undefined` when silence
 * is right: the rule was not part of this review, or it failed on the object.
 */
export function unusedExceptionProblem(rule: string, status: RuleStatus, kind: string): ExceptionProblem | undefined {
  const path = exceptionPath(rule);
  switch (status) {
    case 'ran':
      return { rule: EXCEPTION_UNUSED, path, message: `exception to "${rule}" covers no finding: the object complies with the rule` };
    case 'not-applicable':
      return { rule: EXCEPTION_UNUSED, path, message: `exception to "${rule}" covers no finding: the rule does not apply to kind ${kind}` };
    case 'unknown':
      return { rule: EXCEPTION_UNUSED, path, message: `exception to "${rule}" names no known rule` };
    default:
      return undefined;
  }
}
