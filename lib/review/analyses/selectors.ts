/**
 * Label selectors (`matchLabels` AND `matchExpressions`) with their exact upstream meaning,
 * and an index that answers "which of these label sets does a selector match" without
 * testing every one.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
import { appendTo } from '../../core/append-to';
import { compareText } from '../../core/compare-text';
import { isRecord, list } from '../walkers';

export { compareText };

/** Labels of a pod or namespace. A map, so keys such as `constructor` are ordinary keys. */
export type Labels = ReadonlyMap<string, string>;

/** The selector operators; `matchLabels` entries are `In` with one value. */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** One normalized requirement (values sorted, without duplicates). */
export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** A validated selector. Two selectors with the same `key` select the same objects. */
export interface Selector {
  /** Canonical text of the requirements: the cache key for what the selector matches (`''` for the empty selector). */
  readonly key: string;
  /** Sorted by key, operator, values. Empty: the selector matches everything. */
  readonly requirements: readonly Requirement[];
}

/** Thrown for a selector the API server would refuse; the message starts with the field path. */
export class InvalidSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSelectorError';
  }
}

/** The empty selector: it matches everything. */
export const EVERYTHING: Selector = Object.freeze({ key: '', requirements: Object.freeze([]) as readonly Requirement[] });

/**
 * Validates and normalizes a `LabelSelector` found at `path` (used in messages). A missing
 * selector (`undefined` or `null`) is the empty selector, which matches everything.
 */
export function compileSelector(raw: unknown, path: string): Selector {
  if (raw === undefined || raw === null) return EVERYTHING;
  if (!isRecord(raw)) throw new InvalidSelectorError(`${path} must be a label selector object`);
  const requirements: Requirement[] = [];
  const matchLabels = raw.matchLabels;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isRecord(matchLabels)) throw new InvalidSelectorError(`${path}.matchLabels must be a map of label keys to values`);
    for (const key of Object.keys(matchLabels)) {
      const value = labelValue(matchLabels[key]);
      if (value === undefined) throw new InvalidSelectorError(`${path}.matchLabels.${key} must be a string`);
      requirements.push({ key, operator: 'In', values: [value] });
    }
  }
  list<unknown>(raw.matchExpressions).forEach((expression, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    if (!isRecord(expression) || typeof expression.key !== 'string' || expression.key === '') {
      throw new InvalidSelectorError(`${at} must have a "key"`);
    }
    const operator = expression.operator as SelectorOperator;
    if (!OPERATORS.includes(operator)) {
      throw new InvalidSelectorError(`${at}.operator ${JSON.stringify(expression.operator)} is not one of ${OPERATORS.join(', ')}`);
    }
    const values = list<unknown>(expression.values).map((v, j) => {
      const value = labelValue(v);
      if (value === undefined) throw new InvalidSelectorError(`${at}.values[${j}] must be a string`);
      return value;
    });
    const needsValues = operator === 'In' || operator === 'NotIn';
    if (needsValues && values.length === 0) throw new InvalidSelectorError(`${at} uses ${operator}, which needs at least one value`);
    if (!needsValues && values.length > 0) throw new InvalidSelectorError(`${at} uses ${operator}, which takes no values`);
    requirements.push({ key: expression.key, operator, values: [...new Set(values)].sort() });
  });
  if (requirements.length > 1) requirements.sort(compareRequirements);
  return { key: canonicalKey(requirements), requirements };
}

function compareRequirements(a: Requirement, b: Requirement): number {
  return compareText(a.key, b.key) || compareText(a.operator, b.operator) || compareText(a.values.join('\u0000'), b.values.join('\u0000'));
}

/**
 * The requirements as one string, each text length-prefixed (`3:app`) so no two different
 * lists give the same key, whatever characters the labels hold. Cheaper than JSON, and it
 * is computed for every selector of every policy.
 */
function canonicalKey(requirements: readonly Requirement[]): string {
  let key = '';
  for (const r of requirements) {
    key += `${r.key.length}:${r.key}${r.operator}${r.values.length};`;
    for (const value of r.values) key += `${value.length}:${value}`;
  }
  return key;
}

/**
 * Whether the labels satisfy every requirement. `NotIn` matches when the key is absent, as
 * upstream does; `In` and `Exists` need the key.
 */
export function selectorMatches(selector: Selector, labels: Labels): boolean {
  return selector.requirements.every((r) => requirementMatches(r, labels));
}

function requirementMatches(r: Requirement, labels: Labels): boolean {
  const value = labels.get(r.key);
  switch (r.operator) {
    case 'In':
      return value !== undefined && r.values.includes(value);
    case 'NotIn':
      return value === undefined || !r.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
  }
}

/** Label values are strings; YAML may give numbers or booleans (`version: 1`), read as their text. `undefined` for anything else. */
function labelValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Reads a `metadata.labels` map leniently: scalar values as text, anything else left out. */
export function readLabels(raw: unknown): Map<string, string> {
  const labels = new Map<string, string>();
  if (!isRecord(raw)) return labels;
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') labels.set(key, String(value));
  }
  return labels;
}

/**
 * An index over label sets numbered 0..n-1. `select` starts from the smallest list the
 * index holds for one of the selector's `In` or `Exists` requirements (or from everything
 * when it has none) and tests only those candidates.
 */
export class LabelIndex {
  private readonly all: number[] = [];
  private readonly byKey = new Map<string, number[]>();
  private readonly byKeyValue = new Map<string, Map<string, number[]>>();

  constructor(private readonly labelsOf: (id: number) => Labels) {}

  /** Adds a label set. Ids must be added in ascending order. */
  public add(id: number): void {
    this.all.push(id);
    for (const [key, value] of this.labelsOf(id)) {
      appendTo(this.byKey, key, id);
      let values = this.byKeyValue.get(key);
      if (!values) this.byKeyValue.set(key, (values = new Map()));
      appendTo(values, value, id);
    }
  }

  /** The ids whose labels the selector matches, ascending. */
  public select(selector: Selector): readonly number[] {
    let candidates: readonly number[] = this.all;
    for (const r of selector.requirements) {
      let narrowed: readonly number[] | undefined;
      if (r.operator === 'Exists') narrowed = this.byKey.get(r.key) ?? [];
      else if (r.operator === 'In') {
        const values = this.byKeyValue.get(r.key);
        const lists = r.values.map((v) => values?.get(v) ?? []);
        narrowed = lists.length === 1 ? lists[0] : lists.flat().sort((a, b) => a - b);
      }
      if (narrowed && narrowed.length < candidates.length) candidates = narrowed;
    }
    if (selector.requirements.length === 0) return candidates;
    return candidates.filter((id) => selectorMatches(selector, this.labelsOf(id)));
  }
}
