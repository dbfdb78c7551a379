import { Rule } from '../../model';
import { duplicateObject } from './duplicate-object';
import { objectSchema } from './object-schema';

/** Rules on the shape of every object, whatever its kind, and on the output as a whole: they run in every pack. */
export const SCHEMA_RULES: readonly Rule[] = [objectSchema, duplicateObject];
