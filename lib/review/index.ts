/**
 * The review engine's public face: rules over plain Kubernetes objects, the engine and its
 * reports. Nothing here imports a construct, so it judges any YAML. Rules, packs, walkers and
 * analyses are internals: import them from their module (lib/review/...) inside this repository.
 */

// The engine and what it is given.
export { review } from './engine';
export type { ReviewOptions, ReviewTarget } from './engine';
export type { ExceptionEntry } from './exceptions';
export { ExceptionsFileError } from './exceptions-file';
export { PlatformContractError } from './platform-contract';

// Rules a user writes (extraRules) and the objects they judge.
export type {
  AdmissionScope,
  AdmissionValidation,
  KubeMetadata,
  KubeObject,
  ReferenceId,
  ReviewContext,
  Rule,
  RuleFinding,
  RuleInfo,
  RuleReferences,
  Severity,
} from './model';

// The result and its reports.
export type {
  AppliedException,
  ExceptionRecord,
  ExceptionSourceKind,
  ExceptionStatus,
  Finding,
  ObjectRef,
  ReviewCounts,
  ReviewResult,
  SeverityCounts,
} from './model';
export { reviewJson, reviewMarkdown, reviewSarif } from './reports';
