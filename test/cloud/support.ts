/** Helpers for reading cdktf's synthesized Terraform JSON in tests. */

/** The parsed Terraform JSON of a `Testing.synth` or `Testing.synthScope` result. */
export type TerraformJson = { resource?: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>> };

/** The bodies of every resource of a type (`aws_eks_cluster`). */
export function resourcesOf(json: string | TerraformJson, type: string): any[] {
  const parsed: TerraformJson = typeof json === 'string' ? JSON.parse(json) : json;
  return Object.values(parsed.resource?.[type] ?? {});
}

/** The one resource of a type; fails when there is not exactly one. */
export function onlyResource(json: string | TerraformJson, type: string): any {
  const found = resourcesOf(json, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}
