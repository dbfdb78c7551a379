import { Rule } from '../../model';
import { objectSchema } from './object-schema';

/** Rules on the shape of every object, whatever its kind: they run in every pack. */
export const SCHEMA_RULES: readonly Rule[] = [objectSchema];
