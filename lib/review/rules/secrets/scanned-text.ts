import { KubeObject, ReviewContext, RuleFinding } from '../../model';
import { eachContainer, finding, isRecord, keyStep, list, podSpecsOf, quote } from '../../walkers';
import { describeSecret, FoundSecret } from './secret-formats';

/**
 * The free-text fields of an object where a secret can hide under any name, for the rules
 * that recognise secrets by content. Secret data is not among them: a Secret is where a
 * secret belongs (`secret-no-plaintext` judges how it got there).
 */

/** One text to search, with where it is. */
export interface ScannedText {
  /** JSON path of the field. */
  readonly path: string;
  /** How messages name the field, for example `container "web" environment variable "CONFIG"`. */
  readonly where: string;
  readonly text: string;
}

/** Which fields to search besides annotations, env values, command and args. */
export interface ScanOptions {
  /** Also ConfigMap `data` and `binaryData` (decoded from base64). */
  readonly configMapData: boolean;
  /**
   * The review, whose walk of the pods is reused.
   *
   * @default - the pods are walked again
   */
  readonly context?: ReviewContext;
}

/**
 * The object's annotations, its pods' annotations, every container's env values, command and
 * args, and with `configMapData` a ConfigMap's values.
 */
export function scannedTexts(obj: KubeObject, options: ScanOptions): ScannedText[] {
  const texts: ScannedText[] = [...annotationTexts(obj.metadata?.annotations, 'metadata')];
  for (const pod of podSpecsOf(obj, options.context)) texts.push(...annotationTexts(pod.metadata.annotations, pod.metadataPath));
  for (const c of eachContainer(obj, options.context)) {
    list<unknown>(c.container.env).forEach((env, i) => {
      if (isRecord(env) && typeof env.value === 'string') {
        texts.push({ path: `${c.path}.env[${i}].value`, where: `${c.label} environment variable ${quote(env.name)}`, text: env.value });
      }
    });
    for (const field of ['command', 'args'] as const) {
      list<unknown>(c.container[field]).forEach((arg, i) => {
        if (typeof arg === 'string') texts.push({ path: `${c.path}.${field}[${i}]`, where: `${c.label} ${field}`, text: arg });
      });
    }
  }
  if (options.configMapData && obj.kind === 'ConfigMap') {
    for (const [field, decode] of [
      ['data', (v: string) => v],
      ['binaryData', (v: string) => Buffer.from(v, 'base64').toString('latin1')],
    ] as const) {
      const values = obj[field];
      if (!isRecord(values)) continue;
      for (const [key, value] of Object.entries(values)) {
        if (typeof value === 'string')
          texts.push({ path: `${field}${keyStep(key)}`, where: `ConfigMap key ${quote(key)}`, text: decode(value) });
      }
    }
  }
  return texts;
}

function annotationTexts(annotations: unknown, metadataPath: string): ScannedText[] {
  if (!isRecord(annotations)) return [];
  return Object.entries(annotations)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([key, text]) => ({ path: `${metadataPath}.annotations${keyStep(key)}`, where: `annotation ${quote(key)}`, text }));
}

/** One finding per searched text in which `find` recognises a secret: where, and which format (never the secret). */
export function secretFindings(obj: KubeObject, options: ScanOptions, find: (text: string) => FoundSecret | undefined): RuleFinding[] {
  return scannedTexts(obj, options).flatMap(({ path, where, text }) => {
    const found = find(text);
    return found ? [finding(path, `${where} holds ${describeSecret(found)}`, found.format.id)] : [];
  });
}
