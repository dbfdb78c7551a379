/**
 * A review of one object with nothing beside it: what an admission policy sees. The rules'
 * admission code runs their own checks on probe objects in it, to learn which names or kinds
 * their findings hold for, instead of writing those lists again.
 */
import { KubeObject, ReviewContext } from '../model';

/** The context of a review whose only object is the one judged (no other objects, no CRDs, no platform contract). */
export const JUDGED_ALONE: ReviewContext = {
  objects: [],
  byKind: () => [],
  find: () => undefined,
  namesakesOf: (obj: KubeObject) => [obj],
  originOf: () => '',
  memo: <T>(_key: object, build: (context: ReviewContext) => T): T => build(JUDGED_ALONE),
};
