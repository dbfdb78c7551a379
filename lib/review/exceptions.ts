import {
  ANY_VALUE,
  exceptionAnnotationKey,
  exceptionsFromAnnotations,
  isIsoDate,
  isReasonLongEnough,
  MIN_REASON_LENGTH,
} from '../core/exceptions';
import { AppliedException, ExceptionSourceKind, ObjectRef, RuleInfo } from './model';

/** Shortest reason an exception may give, in visible characters, as for exceptions given to constructs. */
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
  remediation:
    'Remove the exception, or correct its rule id to the id printed by the review (and its accepted values to those the findings name).',
};

/** An exception without a real reason: refused, so it suppresses nothing. */
export const EXCEPTION_WITHOUT_REASON: RuleInfo = {
  id: 'exception-without-reason',
  title: `Every exception says why, in at least ${MIN_EXCEPTION_REASON_LENGTH} visible characters`,
  severity: 'error',
  references: {},
  remediation: `Write in the annotation value why the departure is needed and safe, in at least ${MIN_EXCEPTION_REASON_LENGTH} visible characters (spaces and invisible characters do not count).`,
};

/** An exception annotation whose expiry or accepted values are not written as documented: refused (fail closed). */
export const EXCEPTION_MALFORMED: RuleInfo = {
  id: 'exception-malformed',
  title: 'Exception annotations give their expiry and accepted values exactly as documented',
  severity: 'error',
  references: {},
  remediation:
    'End the annotation value with exactly " (accepts VALUE, VALUE; expires YYYY-MM-DD)" (each part optional, the date a real one, lower case, nothing after the closing parenthesis), or give the exception in the exceptions file instead.',
};

/**
 * An exception annotation in input the review does not trust: anyone who can write YAML can
 * write one, so it is a claim, not a permission, and suppresses nothing.
 */
export const EXCEPTION_NOT_TRUSTED: RuleInfo = {
  id: 'exception-not-trusted',
  title: "Exceptions come from the platform team's exceptions file or from the app's own constructs",
  severity: 'warning',
  references: {},
  remediation:
    'Have the platform team add the exception to the exceptions file given to the review (cdk8s-hardened review --exceptions FILE). ' +
    'For output your own cdk8s app synthesized, review it with --trust-annotations.',
};

/** An exception that accepts every value of its rule (`*`): allowed, but said out loud. */
export const EXCEPTION_ACCEPTS_ANY: RuleInfo = {
  id: 'exception-accepts-any',
  title: 'Exceptions name the values they accept',
  severity: 'warning',
  references: {},
  remediation:
    'Replace "*" with the values the findings name (the capability, port, path, image...), so a value added later is judged again.',
};

/** A rule that threw on an object: the object could not be judged by it. */
export const RULE_ERROR: RuleInfo = {
  id: 'rule-error',
  title: 'Every rule can judge every object',
  severity: 'error',
  references: {},
  remediation: "Check that the object is well formed (the message names the rule and its error); if it is, report the rule's bug.",
};

/** The findings the engine itself raises, about exceptions and failing rules. */
export const ENGINE_RULES: readonly RuleInfo[] = [
  EXCEPTION_ACCEPTS_ANY,
  EXCEPTION_EXPIRED,
  EXCEPTION_MALFORMED,
  EXCEPTION_NOT_TRUSTED,
  EXCEPTION_UNUSED,
  EXCEPTION_WITHOUT_REASON,
  RULE_ERROR,
];

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

/** A problem with an exception, reported against the object. */
export interface ExceptionProblem {
  readonly rule: RuleInfo;
  readonly path: string;
  readonly message: string;
}

/**
 * One exception given for the platform team in an exceptions file (see `readExceptionsFile`):
 * it applies to the objects of `kind` whose namespace and name it matches.
 */
export interface ExceptionEntry {
  /** The rule id. */
  readonly rule: string;
  /** The object kind, exactly as in the manifest (`DaemonSet`). */
  readonly kind: string;
  /**
   * The namespace: exact, or a pattern where `*` stands for any run of characters.
   *
   * @default - only objects without a namespace (cluster-scoped ones)
   */
  readonly namespace?: string;
  /** The object name: exact, or a pattern where `*` stands for any run of characters (`node-exporter-*`). */
  readonly name: string;
  /**
   * The finding values accepted; `['*']` for every value (a warning).
   *
   * @default - only findings without a value
   */
  readonly accepts?: readonly string[];
  readonly reason: string;
  /**
   * Last valid day, `YYYY-MM-DD`.
   *
   * @default - never expires
   */
  readonly expires?: string;
  /**
   * Where the entry is written, `file:line`, for messages.
   *
   * @default ''
   */
  readonly origin?: string;
}

/** One exception that may accept findings on one object. */
export interface Grant {
  readonly rule: string;
  readonly applied: AppliedException;
  /** Where problems about it are reported on the object: the annotation, or `''` for a file entry. */
  readonly path: string;
  /** How messages name it: `exception to "rule"` or `exceptions file entry FILE:LINE for "rule"`. */
  readonly label: string;
}

/** What became of one exception before the findings are known. */
export type DeclaredStatus = 'valid' | 'expired' | 'without-reason' | 'malformed' | 'untrusted';

/** One exception for an object as read: a grant when it is valid and trusted. */
export interface DeclaredException {
  readonly rule: string;
  readonly reason: string;
  readonly expires?: string;
  readonly accepts?: readonly string[];
  readonly source: ExceptionSourceKind;
  readonly entry?: string;
  readonly status: DeclaredStatus;
  /** Present when `status` is `valid`. */
  readonly grant?: Grant;
}

/** The exceptions of one object and the problems with them. */
export interface ObjectExceptions {
  readonly declared: readonly DeclaredException[];
  readonly problems: readonly ExceptionProblem[];
}

/** JSON path of the annotation that records an exception to `rule`. */
export function exceptionPath(rule: string): string {
  return `metadata.annotations[${JSON.stringify(exceptionAnnotationKey(rule))}]`;
}

/** Whether `exception` accepts a finding with `value`: a listed value (or `*`), or, without a list, only a finding without a value. */
export function acceptsValue(exception: Pick<AppliedException, 'accepts'>, value: string | undefined): boolean {
  if (!exception.accepts) return value === undefined;
  if (exception.accepts.includes(ANY_VALUE)) return true;
  return value !== undefined && exception.accepts.includes(value);
}

/** Words for what an exception accepts, for a finding it does not cover. */
export function acceptedValuesText(exception: Pick<AppliedException, 'accepts'>): string {
  return exception.accepts ? `accepts only ${exception.accepts.map((v) => JSON.stringify(v)).join(', ')}` : 'accepts no value';
}

/** The checks every exception passes, annotation or file entry; a grant when it passes them. */
function judge(
  base: Omit<DeclaredException, 'status' | 'grant'>,
  today: string,
  path: string,
  label: string,
  malformed?: string,
): { declared: DeclaredException; problems: ExceptionProblem[] } {
  const { rule, reason, expires } = base;
  const refuse = (status: DeclaredStatus, problem: ExceptionProblem) => ({ declared: { ...base, status }, problems: [problem] });
  if (malformed !== undefined) {
    return refuse('malformed', { rule: EXCEPTION_MALFORMED, path, message: `${label} is ignored: ${malformed}` });
  }
  if (!isReasonLongEnough(reason)) {
    return refuse('without-reason', {
      rule: EXCEPTION_WITHOUT_REASON,
      path,
      message: `${label} gives the reason ${JSON.stringify(reason)}, with fewer than ${MIN_EXCEPTION_REASON_LENGTH} visible characters, so it is ignored`,
    });
  }
  if (expires !== undefined && !isIsoDate(expires)) {
    return refuse('malformed', {
      rule: EXCEPTION_MALFORMED,
      path,
      message: `${label} expires on "${expires}", which is not a real date, so it is ignored`,
    });
  }
  if (expires !== undefined && expires < today) {
    return refuse('expired', {
      rule: EXCEPTION_EXPIRED,
      path,
      message: `${label} expired on ${expires} (today is ${today}), so it no longer suppresses anything`,
    });
  }
  const applied: AppliedException = {
    reason,
    ...(expires !== undefined ? { expires } : {}),
    ...(base.accepts ? { accepts: base.accepts } : {}),
    source: base.source,
    ...(base.entry !== undefined ? { entry: base.entry } : {}),
  };
  const problems = base.accepts?.includes(ANY_VALUE)
    ? [{ rule: EXCEPTION_ACCEPTS_ANY, path, message: `${label} accepts every value of the rule ("*"), including any added later` }]
    : [];
  return { declared: { ...base, status: 'valid', grant: { rule, applied, path, label } }, problems };
}

/**
 * Reads an object's exception annotations. Untrusted ones are claims: recorded, reported
 * (`exception-not-trusted`), never applied. Trusted ones are refused when their value is not
 * written exactly as documented, their reason has fewer than 10 visible characters or their
 * expiry is before `today`; the rest are grants.
 */
export function readAnnotationExceptions(
  annotations: Record<string, unknown> | undefined,
  today: string,
  trusted: boolean,
): ObjectExceptions {
  const declared: DeclaredException[] = [];
  const problems: ExceptionProblem[] = [];
  for (const parsed of exceptionsFromAnnotations(annotations)) {
    const { rule, reason, expires, accepts } = parsed;
    const path = exceptionPath(rule);
    const base = {
      rule,
      reason,
      ...(expires !== undefined ? { expires } : {}),
      ...(accepts ? { accepts } : {}),
      source: 'annotation' as const,
    };
    if (!trusted) {
      declared.push({ ...base, status: 'untrusted' });
      problems.push({
        rule: EXCEPTION_NOT_TRUSTED,
        path,
        message: `exception to "${rule}" is claimed by an annotation in the reviewed input, which is not trusted, so it accepts nothing (claimed reason: ${JSON.stringify(shortened(reason))})`,
      });
      continue;
    }
    const judged = judge(base, today, path, `exception to "${rule}"`, parsed.malformed);
    declared.push(judged.declared);
    problems.push(...judged.problems);
  }
  return { declared, problems };
}

/** At most 120 characters of a claimed reason: it is the input's text, and may be long. */
function shortened(text: string): string {
  const chars = [...text];
  return chars.length <= 120 ? text : `${chars.slice(0, 119).join('')}…`;
}

/** Whether `text` matches `pattern`, in which `*` stands for any run of characters and nothing else is special. */
export function matchesNamePattern(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  if (!text.startsWith(parts[0]) || !text.endsWith(parts[parts.length - 1])) return false;
  let at = parts[0].length;
  const end = text.length - parts[parts.length - 1].length;
  if (end < at) return false;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** Whether an exceptions file entry names the object. */
export function entryMatches(entry: ExceptionEntry, object: ObjectRef): boolean {
  if (entry.kind !== object.kind || !matchesNamePattern(entry.name, object.name)) return false;
  return entry.namespace === undefined
    ? object.namespace === undefined
    : object.namespace !== undefined && matchesNamePattern(entry.namespace, object.namespace);
}

/** How messages and records name an exceptions file entry. */
export function entryName(entry: ExceptionEntry, index: number): string {
  return entry.origin || `exceptions[${index}]`;
}

/** The exceptions file entries that name the object, judged like annotations (they are trusted: the platform team owns the file). */
export function readFileExceptions(
  entries: readonly ExceptionEntry[],
  object: ObjectRef,
  today: string,
): ObjectExceptions & { readonly matched: readonly number[] } {
  const declared: DeclaredException[] = [];
  const problems: ExceptionProblem[] = [];
  const matched: number[] = [];
  entries.forEach((entry, index) => {
    if (!entryMatches(entry, object)) return;
    matched.push(index);
    const where = entryName(entry, index);
    const base = {
      rule: entry.rule,
      reason: entry.reason.trim(),
      ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
      ...(entry.accepts ? { accepts: [...entry.accepts] } : {}),
      source: 'exceptions-file' as const,
      entry: where,
    };
    const judged = judge(base, today, '', `exceptions file entry ${where} for "${entry.rule}"`);
    declared.push(judged.declared);
    problems.push(...judged.problems);
  });
  return { declared, problems, matched };
}

/**
 * The warning for a valid exception that suppressed nothing, or `undefined` when silence
 * is right: the rule was not part of this review, or it failed on the object. `found` says
 * what the rule found on the object: findings some left open (the exception does not accept
 * their values), findings all accepted by other exceptions, or (undefined) nothing.
 */
export function unusedExceptionProblem(
  grant: Pick<Grant, 'path' | 'label' | 'applied'>,
  status: RuleStatus,
  kind: string,
  found?: 'open' | 'accepted',
): ExceptionProblem | undefined {
  const { path, label } = grant;
  switch (status) {
    case 'ran':
      return {
        rule: EXCEPTION_UNUSED,
        path,
        message:
          found === 'open'
            ? `${label} covers no finding: it ${acceptedValuesText(grant.applied)}, and the rule's findings name other values`
            : found === 'accepted'
              ? `${label} covers no finding: another exception accepted the rule's findings first`
              : `${label} covers no finding: the object complies with the rule`,
      };
    case 'not-applicable':
      return { rule: EXCEPTION_UNUSED, path, message: `${label} covers no finding: the rule does not apply to kind ${kind}` };
    case 'unknown':
      return { rule: EXCEPTION_UNUSED, path, message: `${label} names no known rule` };
    default:
      return undefined;
  }
}
