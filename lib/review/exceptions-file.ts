import * as fs from 'node:fs';
import { isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { ANY_VALUE, isIsoDate, isReasonLongEnough, MIN_REASON_LENGTH, whyNotAnAcceptedValue } from '../core/exceptions';
import { ExceptionEntry } from './exceptions';
import { ruleById } from './packs';

/**
 * The exceptions file: the exceptions the platform team grants, kept in a file it owns
 * (CODEOWNERS), given to the review with `cdk8s-hardened review --exceptions FILE` or
 * `HardenedApp`'s `exceptionsFile`. YAML or JSON:
 *
 * ```yaml
 * exceptions:
 *   - rule: drop-all-capabilities        # the rule id the review prints
 *     kind: DaemonSet                    # exactly as in the manifest
 *     namespace: monitoring              # leave out for cluster-scoped objects
 *     name: node-exporter                # exact, or with * for any run of characters
 *     accepts: [SYS_TIME]                # the values accepted; leave out for rules without values
 *     reason: reads the hardware clock to report its drift
 *     expires: 2027-01-31                # optional, a real date written YYYY-MM-DD
 * ```
 *
 * Checked strictly: an unknown field, a missing one, a wrong type, a bad date or pattern,
 * a short reason, a duplicate entry each give an error naming the entry and its line, and
 * the file is refused as a whole (nothing is reviewed with half a file). Hand-written
 * rather than a JSON Schema validator: a dozen checks, messages in the words of this file,
 * and no validator shipped to every user of the review (ajv is only a devDependency).
 */

/** The fields of an entry, in the order the docs list them. */
const FIELDS = ['rule', 'kind', 'namespace', 'name', 'accepts', 'reason', 'expires'] as const;
const RULE_ID = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** A kind name: what the API server accepts (a letter, then letters and digits). */
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
/** A namespace or name, or a pattern of one: the characters of DNS subdomain names, and `*`. */
const NAME_PATTERN = /^[a-z0-9*]([a-z0-9.*-]{0,251}[a-z0-9*])?$/;

/** The exceptions file could not be used: each problem names the entry and its line. */
export class ExceptionsFileError extends Error {
  constructor(
    public readonly file: string,
    public readonly problems: readonly string[],
  ) {
    super(
      `exceptions file ${file} is refused (${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was reviewed):\n` +
        problems.map((p) => `  ${p}`).join('\n'),
    );
    this.name = 'ExceptionsFileError';
  }
}

/** Reads and checks an exceptions file. @throws ExceptionsFileError */
export function readExceptionsFile(file: string): ExceptionEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ExceptionsFileError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseExceptionsFile(text, file);
}

/** Checks the text of an exceptions file; `file` names it in messages and origins. @throws ExceptionsFileError */
export function parseExceptionsFile(text: string, file: string): ExceptionEntry[] {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const problems: string[] = [];
  const at = (offset: number | undefined) => (offset === undefined ? '' : ` (line ${lines.linePos(offset).line})`);
  if (!Array.isArray(documents)) {
    // An empty stream: yaml gives an EmptyStream, not a list.
    throw new ExceptionsFileError(file, [
      'is empty: write "exceptions:" with a list of entries (see README "Exceptions: who may grant them").',
    ]);
  }
  if (documents.length !== 1) {
    throw new ExceptionsFileError(file, [`holds ${documents.length} YAML documents: keep one, a mapping with "exceptions:".`]);
  }
  const [document] = documents;
  for (const error of document.errors) problems.push(`is not valid YAML${at(error.pos[0])}: ${error.message.split('\n')[0]}`);
  if (problems.length) throw new ExceptionsFileError(file, problems);

  const root = document.contents;
  if (!isMap(root)) throw new ExceptionsFileError(file, ['must be a mapping with one key, "exceptions", holding a list of entries.']);
  for (const pair of root.items) {
    const key = (pair.key as { value?: unknown })?.value;
    if (key !== 'exceptions')
      problems.push(
        `has the unknown key ${JSON.stringify(key)}${at((pair.key as { range?: number[] })?.range?.[0])}: the only key is "exceptions".`,
      );
  }
  const list = root.get('exceptions', true);
  if (!isSeq(list)) {
    problems.push('needs "exceptions:" holding a list of entries (an empty list is written "exceptions: []").');
    throw new ExceptionsFileError(file, problems);
  }

  const entries: ExceptionEntry[] = [];
  const seen = new Map<string, number>();
  list.items.forEach((node, i) => {
    const offset = (node as { range?: number[] })?.range?.[0];
    const where = `exceptions[${i}]${at(offset)}`;
    const line = offset === undefined ? undefined : lines.linePos(offset).line;
    const value = isMap(node) ? node.toJSON() : undefined;
    const entry = checkEntry(value, where, problems);
    if (!entry) return;
    // Two entries for one object and rule may differ in what they accept (findings without a
    // value, and named values, need one entry each); the same twice is a copy-paste slip.
    const key = JSON.stringify([entry.rule, entry.kind, entry.namespace ?? null, entry.name, entry.accepts ?? null]);
    if (seen.has(key)) {
      problems.push(`${where}: repeats exceptions[${seen.get(key)}] (same rule, kind, namespace, name and accepts). Keep one.`);
      return;
    }
    seen.set(key, i);
    entries.push({ ...entry, origin: line === undefined ? file : `${file}:${line}` });
  });
  if (problems.length) throw new ExceptionsFileError(file, problems);
  return entries;
}

/** Checks one entry; pushes a problem per bad field and returns `undefined` when there is one. */
function checkEntry(value: unknown, where: string, problems: string[]): Omit<ExceptionEntry, 'origin'> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where}: must be a mapping with rule, kind, namespace, name, accepts, reason and expires.`);
    return undefined;
  }
  const before = problems.length;
  const entry = value as Record<string, unknown>;
  const bad = (field: string, message: string) => problems.push(`${where}.${field}: ${message}`);
  for (const key of Object.keys(entry)) {
    if (!(FIELDS as readonly string[]).includes(key)) bad(key, `is not a field of an entry. The fields: ${FIELDS.join(', ')}.`);
  }
  for (const field of ['namespace', 'accepts', 'expires']) {
    // `expires:` with nothing after it is a date forgotten, not "never": refused.
    if (field in entry && entry[field] === null) bad(field, 'is empty. Give a value, or leave the field out.');
  }
  const text = (field: string): string | undefined => {
    const v = entry[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      bad(field, `must be a string (got ${JSON.stringify(v)}). Quote it.`);
      return undefined;
    }
    return v;
  };
  const rule = text('rule');
  if (rule === undefined) {
    if (entry.rule === undefined || entry.rule === null)
      bad('rule', 'is required: the rule id the review prints, such as "drop-all-capabilities".');
  } else if (!RULE_ID.test(rule)) {
    bad('rule', `must be a rule id such as "drop-all-capabilities" (got ${JSON.stringify(rule)}).`);
  } else if (!ruleById(rule)) {
    // A typo would otherwise except nothing, silently.
    bad('rule', `names no rule of the review (got ${JSON.stringify(rule)}). Use the id the review prints.`);
  }

  const kind = text('kind');
  if (kind === undefined) {
    if (entry.kind === undefined || entry.kind === null)
      bad('kind', 'is required: the object kind as in the manifest, such as "Deployment".');
  } else if (!KIND.test(kind)) bad('kind', `must be a kind as written in the manifest, such as "DaemonSet" (got ${JSON.stringify(kind)}).`);

  const namespace = text('namespace');
  if (namespace !== undefined && !NAME_PATTERN.test(namespace)) {
    bad(
      'namespace',
      `must be a namespace, or a pattern with * for any run of characters (got ${JSON.stringify(namespace)}). Leave it out for cluster-scoped objects.`,
    );
  }
  const name = text('name');
  if (name === undefined) {
    if (entry.name === undefined || entry.name === null)
      bad('name', 'is required: the object name, or a pattern with * for any run of characters ("node-exporter-*").');
  } else if (!NAME_PATTERN.test(name))
    bad('name', `must be an object name, or a pattern with * for any run of characters (got ${JSON.stringify(name)}).`);

  let accepts: string[] | undefined;
  if (entry.accepts !== undefined && entry.accepts !== null) {
    const list = typeof entry.accepts === 'string' || typeof entry.accepts === 'number' ? [entry.accepts] : entry.accepts;
    if (!Array.isArray(list) || list.length === 0) {
      bad(
        'accepts',
        `must be a value or a list of values, such as [NET_ADMIN] or [8080] (got ${JSON.stringify(entry.accepts)}). Leave it out for rules whose findings have no value.`,
      );
    } else {
      accepts = [];
      list.forEach((item: unknown, j) => {
        // Ports are numbers in YAML: accepted as written.
        const v = typeof item === 'number' && Number.isInteger(item) ? String(item) : item;
        const problem = whyNotAnAcceptedValue(v);
        if (problem) bad(`accepts[${j}]`, `${problem}.`);
        else accepts!.push(v as string);
      });
      if (new Set(accepts).size !== accepts.length) bad('accepts', 'lists a value twice. Keep one.');
      if (accepts.includes(ANY_VALUE) && accepts.length > 1) bad('accepts', '"*" accepts every value: list it alone, or list the values.');
    }
  }

  const reason = text('reason');
  if (reason === undefined) {
    if (entry.reason === undefined || entry.reason === null)
      bad('reason', `is required: why the departure is needed and safe, in at least ${MIN_REASON_LENGTH} visible characters.`);
  } else if (!isReasonLongEnough(reason)) {
    bad(
      'reason',
      `must say why in at least ${MIN_REASON_LENGTH} visible characters (got ${JSON.stringify(reason)}; spaces and invisible characters do not count).`,
    );
  }

  const expires = entry.expires;
  if (expires !== undefined && expires !== null && (typeof expires !== 'string' || !isIsoDate(expires))) {
    bad(
      'expires',
      `must be a real date written exactly YYYY-MM-DD, such as 2027-01-31 (got ${JSON.stringify(expires instanceof Date ? expires.toISOString() : expires)}).`,
    );
  }
  if (problems.length > before) return undefined;
  return {
    rule: rule!,
    kind: kind!,
    name: name!,
    reason: reason!,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(accepts ? { accepts } : {}),
    ...(typeof expires === 'string' ? { expires } : {}),
  };
}
