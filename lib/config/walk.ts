/**
 * Finds the schema that validates a given key path, so errors can describe what that key
 * expects and environment overrides know the type to convert to.
 *
 * @module
 */
import type { z } from "zod";

/** The parts of a zod definition this module reads. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips optional/default/prefault/nullable/pipe wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 16; i++) {
    const def = defOf(current);
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === "pipe" && def.in !== undefined) current = def.in;
    else break;
  }
  return current;
}

/** The zod type name of a schema after unwrapping (`string`, `number`, `object`, …). */
export function kindOf(schema: z.ZodType): string {
  return defOf(unwrap(schema)).type;
}

/**
 * The schema at `path` below `root`, or undefined when the path leaves the schema. Returns the
 * wrapped schema (with its default/optional), so registry look-ups find what was registered.
 */
export function schemaAt(
  root: z.ZodType,
  path: readonly PropertyKey[],
): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const key of path) {
    if (current === undefined) return undefined;
    const def = defOf(unwrap(current));
    if (def.type === "object" && def.shape !== undefined) {
      current = typeof key === "string" && Object.hasOwn(def.shape, key)
        ? def.shape[key]
        : undefined;
    } else if (def.type === "array") current = def.element;
    else if (def.type === "record") current = def.valueType;
    else return undefined;
  }
  return current;
}

/** The keys of the object schema at `path`, or [] when it is not an object. */
export function knownKeys(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const schema = schemaAt(root, path);
  if (schema === undefined) return [];
  const def = defOf(unwrap(schema));
  return def.type === "object" && def.shape !== undefined ? Object.keys(def.shape) : [];
}

/** Whether the schema accepts a missing value (it is optional or has a default). */
export function isOptional(schema: z.ZodType): boolean {
  const type = defOf(schema).type;
  return type === "optional" || type === "default" || type === "prefault";
}
