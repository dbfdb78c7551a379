import { compareText } from './compare-text';
import { IConstruct } from 'constructs';
import { HardeningError } from './hardening-error';

/**
 * A deliberate, reviewed departure from one hardening rule.
 *
 * Exceptions are the only way to weaken a default. Each one is recorded on the object it
 * covers as an annotation, so it survives into the YAML, is visible in `kubectl describe`
 * and is reported by the review engine next to the manifests. The review trusts such an
 * annotation only in output the app's own constructs wrote (see README "Exceptions: who
 * may grant them").
 */
export interface HardeningException {
  /** The id of the rule being excepted, for example `no-privilege-escalation`. */
  readonly rule: string;
  /**
   * Why the departure is needed and acceptable: at least 10 visible characters, written for
   * the reviewer who will read it in the pull request. Give the expiry in `expires` and the
   * values in `accepts`, not in the reason.
   */
  readonly reason: string;
  /**
   * Last day (UTC, `YYYY-MM-DD`) on which the exception is valid. After it the review
   * reports the exception as expired and synth fails.
   *
   * @default - never expires
   */
  readonly expires?: string;
  /**
   * The values the exception accepts, for rules whose findings have one: capabilities
   * (`NET_ADMIN`), host ports (`9100`), images, host paths, sysctls... A finding whose value
   * is not listed stays an error. `['*']` accepts every value of the rule (the review warns).
   *
   * Constructs record the values they are asked for (`addCapabilities`, `hostPort`, the
   * image): list them here only to restrict what the construct may ask for, or to accept a
   * value that a JSON patch adds behind the construct's back.
   *
   * @default - the values the construct asked for; none for rules without values
   */
  readonly accepts?: readonly string[];
}

/** Something that lists exceptions when asked: an `ExceptionPolicy`, whose values grow as constructs ask for them. */
export interface ExceptionSource {
  list(): readonly HardeningException[];
}

/** Annotation key prefix under which exceptions are recorded: `<prefix>/<rule-id>: <reason>`. */
export const EXCEPTION_ANNOTATION_PREFIX = 'exception.hardened.cdk8s.io';

/** `accepts` entry that accepts every value of the rule. */
export const ANY_VALUE = '*';

/** Rule ids are kebab-case so they fit the name part of an annotation key. */
const RULE_ID = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The shortest reason an exception may give, in visible characters (see `visibleLength`). */
export const MIN_REASON_LENGTH = 10;

/** The annotation key that records an exception to `rule`. */
export function exceptionAnnotationKey(rule: string): string {
  return `${EXCEPTION_ANNOTATION_PREFIX}/${rule}`;
}

/*
 * The annotation value: `<reason>`, then, when there are any, the accepted values and the
 * expiry in one parenthesized group at the very end:
 *
 *   <reason> (accepts NET_ADMIN, SYS_TIME; expires 2027-01-31)
 *   <reason> (accepts /var/log)
 *   <reason> (expires 2027-01-31)
 *
 * A value is written as is when it is printable ASCII without space, `%`, `,`, `;`, `(` or
 * `)`; those and every other character are percent-encoded (UTF-8), so a value never holds
 * a separator or a parenthesis. The group is therefore the text after the last ` (`, and
 * the parse is unambiguous: a reason that itself ends like a group is refused when written.
 */
const VALUE = '(?:[\\x21-\\x24\\x26\\x27\\x2a\\x2b\\x2d-\\x3a\\x3c-\\x7e]|%[0-9A-F]{2})+';
const SUFFIX = new RegExp(
  `^(.*?) \\((?:accepts (${VALUE}(?:, ${VALUE})*)(?:; expires (\\d{4}-\\d{2}-\\d{2}))?|expires (\\d{4}-\\d{2}-\\d{2}))\\)$`,
  's',
);
/**
 * What looks like an attempt at an expiry or an accepts list: a parenthesized group opening
 * with the keyword (any case), `; expir…`, or `expir…` followed by a number. Anywhere but in
 * a well-formed group at the very end, it is an error: a date the review cannot read would
 * otherwise never expire.
 */
const ATTEMPTS: readonly RegExp[] = [/\(\s*(?:accepts?|expires?|expiry|expiration)\b/i, /;\s*expir/i, /\bexpir\w*\s*[:=]?\s*(?:on\s+)?\d/i];

/** How an annotation value must be written, for error messages. */
export const EXCEPTION_ANNOTATION_FORMAT =
  '<reason> (accepts VALUE, VALUE; expires YYYY-MM-DD), the group at the very end, each part optional';

/** Writes one value for the annotation: percent-encodes what would be read as a separator. */
export function encodeExceptionValue(value: string): string {
  let out = '';
  for (const char of value) {
    if (/^[\x21-\x24\x26\x27\x2a\x2b\x2d-\x3a\x3c-\x7e]$/.test(char)) out += char;
    else out += [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

function decodeValue(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The annotation value that records `exception`: its reason, then its accepted values and expiry if any. */
export function exceptionAnnotationValue(exception: HardeningException): string {
  const reason = exception.reason.trim();
  const parts = [
    ...(exception.accepts?.length ? [`accepts ${[...exception.accepts].map(encodeExceptionValue).join(', ')}`] : []),
    ...(exception.expires ? [`expires ${exception.expires}`] : []),
  ];
  return parts.length ? `${reason} (${parts.join('; ')})` : reason;
}

/** An exception annotation as read: the exception, or why it cannot be read. */
export interface ParsedExceptionAnnotation {
  readonly rule: string;
  /** The annotation key, for messages. */
  readonly key: string;
  /** The reason, trimmed (the whole value when it cannot be read). */
  readonly reason: string;
  readonly expires?: string;
  readonly accepts?: readonly string[];
  /** Why the value is not written as documented (the exception then applies to nothing). */
  readonly malformed?: string;
}

/**
 * Reads one annotation value. Strict: the group must be exactly as `exceptionAnnotationValue`
 * writes it, at the very end (no trailing dot, space or newline), with a real date; anything
 * else that looks like an expiry or accepts list is `malformed`.
 */
export function parseExceptionAnnotation(rule: string, value: unknown): ParsedExceptionAnnotation {
  const key = exceptionAnnotationKey(rule);
  const text = typeof value === 'string' ? value : String(value ?? '');
  const fix = `Write it exactly as ${EXCEPTION_ANNOTATION_FORMAT}, for example "vendor agent needs it (accepts NET_ADMIN; expires 2027-01-31)"`;
  const match = SUFFIX.exec(text);
  if (!match) {
    if (ATTEMPTS.some((attempt) => attempt.test(text))) {
      return {
        rule,
        key,
        reason: text.trim(),
        malformed: `its value ${JSON.stringify(text)} looks like it gives an expiry or accepted values, but not as documented. ${fix}`,
      };
    }
    return { rule, key, reason: text.trim() };
  }
  const [, reasonText, acceptsText, expiresWithAccepts, expiresAlone] = match;
  const reason = reasonText.trim();
  if (ATTEMPTS.some((attempt) => attempt.test(reasonText))) {
    return { rule, key, reason, malformed: `its value ${JSON.stringify(text)} gives an expiry or accepted values more than once. ${fix}` };
  }
  const expires = expiresWithAccepts ?? expiresAlone;
  if (expires !== undefined && !isIsoDate(expires)) {
    return { rule, key, reason, malformed: `its expiry "${expires}" is not a real date. ${fix}` };
  }
  let accepts: string[] | undefined;
  if (acceptsText !== undefined) {
    accepts = [];
    for (const encoded of acceptsText.split(', ')) {
      const decoded = decodeValue(encoded);
      if (decoded === undefined)
        return { rule, key, reason, malformed: `its accepted value "${encoded}" is not validly percent-encoded. ${fix}` };
      accepts.push(decoded);
    }
  }
  return { rule, key, reason, ...(accepts ? { accepts } : {}), ...(expires ? { expires } : {}) };
}

/**
 * Reads the exceptions recorded in an object's annotations, sorted by rule. The inverse of
 * `exceptionAnnotationKey` / `exceptionAnnotationValue`; used by the review engine.
 */
export function exceptionsFromAnnotations(annotations: Record<string, unknown> | undefined): ParsedExceptionAnnotation[] {
  const found: ParsedExceptionAnnotation[] = [];
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (!key.startsWith(EXCEPTION_ANNOTATION_PREFIX + '/')) continue;
    found.push(parseExceptionAnnotation(key.slice(EXCEPTION_ANNOTATION_PREFIX.length + 1), value));
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
 * Characters that take no room on screen although Unicode calls them letters or symbols
 * (Hangul fillers, the Braille blank, Khmer inherent vowels, the Mongolian vowel separator).
 */
// eslint-disable-next-line no-misleading-character-class -- each of these code points is matched on its own, combining or not
const INVISIBLE_LETTERS = /[\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0]/gu;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * How many visible characters `text` has: format, control, unassigned and private-use
 * characters and every kind of space (`\p{C}`, `\p{Z}`) are dropped, and what is left is
 * counted by grapheme (a letter with its combining marks counts once; marks alone count
 * nothing). Ten zero-width spaces count 0.
 */
export function visibleLength(text: string): number {
  let count = 0;
  // Segmented first, so a joined emoji (its parts tied by ZERO WIDTH JOINER, a format character) is one.
  for (const { segment } of graphemes.segment(text)) {
    const visible = segment.replace(/[\p{C}\p{Z}]/gu, '').replace(INVISIBLE_LETTERS, '');
    if (visible !== '' && !/^\p{M}+$/u.test(visible)) count++;
  }
  return count;
}

/** Whether `reason` has at least `MIN_REASON_LENGTH` visible characters. */
export function isReasonLongEnough(reason: unknown): boolean {
  return typeof reason === 'string' && visibleLength(reason) >= MIN_REASON_LENGTH;
}

/** Whether the reason holds something that would be read as an expiry or accepts list. */
export function reasonLooksLikeSuffix(reason: string): boolean {
  return ATTEMPTS.some((attempt) => attempt.test(reason));
}

/** Why `value` cannot be an accepted value, or `undefined` when it can. */
export function whyNotAnAcceptedValue(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string (got ${JSON.stringify(value) ?? String(value)})`;
  if (value === '') return 'must not be empty';
  if (value !== value.trim()) return `must not start or end with a space (got ${JSON.stringify(value)})`;
  return undefined;
}

/**
 * Checks a list of exceptions given to a construct and returns them keyed by rule id.
 * Refuses (with the construct path) an unknown-shaped rule id, a reason with fewer than 10
 * visible characters or holding an expiry, a malformed expiry or accepts list and the same
 * rule excepted twice.
 */
export function validateExceptions(
  scope: IConstruct,
  exceptions: readonly HardeningException[] | undefined,
): Map<string, HardeningException> {
  const byRule = new Map<string, HardeningException>();
  (exceptions ?? []).forEach((exception, i) => {
    const field = `exceptions[${i}]`;
    if (!RULE_ID.test(exception.rule ?? '')) {
      throw new HardeningError(
        scope,
        `'${field}.rule' must be a rule id such as 'no-privilege-escalation' (got '${exception.rule}'). Use the id printed by the review.`,
      );
    }
    if (!isReasonLongEnough(exception.reason)) {
      throw new HardeningError(
        scope,
        `'${field}.reason' for rule '${exception.rule}' must explain the exception in at least ${MIN_REASON_LENGTH} visible characters (got ${JSON.stringify(exception.reason)}). Write why the departure is needed and safe.`,
      );
    }
    if (reasonLooksLikeSuffix(exception.reason)) {
      throw new HardeningError(
        scope,
        `'${field}.reason' for rule '${exception.rule}' holds what reads as an expiry or accepted values (${JSON.stringify(exception.reason)}). Give them in 'expires' and 'accepts' instead.`,
      );
    }
    if (exception.expires !== undefined && (typeof exception.expires !== 'string' || !isIsoDate(exception.expires))) {
      throw new HardeningError(
        scope,
        `'${field}.expires' must be a date written YYYY-MM-DD (got '${exception.expires}'). For example expires: '2027-03-31'.`,
      );
    }
    if (exception.accepts !== undefined) {
      if (!Array.isArray(exception.accepts) || exception.accepts.length === 0) {
        throw new HardeningError(
          scope,
          `'${field}.accepts' must list at least one value (got ${JSON.stringify(exception.accepts)}). Leave it out to accept the values the construct asks for.`,
        );
      }
      exception.accepts.forEach((value, j) => {
        const problem = whyNotAnAcceptedValue(value);
        if (problem)
          throw new HardeningError(
            scope,
            `'${field}.accepts[${j}]' ${problem}. Name the capability, port, image or path accepted, or '*' for any.`,
          );
      });
      if (new Set(exception.accepts).size !== exception.accepts.length) {
        throw new HardeningError(scope, `'${field}.accepts' lists a value twice (${JSON.stringify(exception.accepts)}). Keep one.`);
      }
    }
    if (byRule.has(exception.rule)) {
      throw new HardeningError(scope, `'${field}.rule' excepts '${exception.rule}' a second time. Keep one exception per rule.`);
    }
    byRule.set(exception.rule, exception);
  });
  return byRule;
}
