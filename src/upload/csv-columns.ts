/**
 * The column sets Microsoft documents for an access review's upload (graph-api.md): Graph's uploadFile example
 * and the `accessReviewDataUploadTriggerCallbackData` type list the first; the uploadFile page's text lists
 * the second. The 2026 how-to's columns (PrincipalId … PermissionType, ScopeId, CustomData, …) hold the first.
 */
export const DOCUMENTED_COLUMN_SETS: readonly (readonly string[])[] = [
  ['principalId', 'principalType', 'permissionId', 'permissionName', 'permissionDescription', 'permissionType'],
  ['PrincipalAADId', 'ResourceId', 'ResourceName', 'ResourceDescription', 'ResourceType', 'PermissionId', 'PermissionName', 'PermissionDescription', 'PermissionType', 'ResourceOwners'],
];

/** `documented`: every column of one documented set, in any order and case (more columns are allowed); a list: exactly these, in order. */
export type CsvColumns = 'documented' | readonly string[];

export interface HeaderRefusal {
  reason: string;
  /** The 1-based column to blame, when one is. */
  column?: number;
}

/** Why a header row's names break the rule, or undefined when they keep it. */
export function headerRefusal(names: readonly string[], rule: CsvColumns): HeaderRefusal | undefined {
  return rule === 'documented' ? documentedRefusal(names) : exactRefusal(names, rule);
}

function documentedRefusal(names: readonly string[]): HeaderRefusal | undefined {
  const present = new Set(names.map((name) => name.trim().toLowerCase()));
  const missingBySet = DOCUMENTED_COLUMN_SETS.map((set) => set.filter((column) => !present.has(column.toLowerCase())));
  if (missingBySet.some((missing) => missing.length === 0)) return undefined;
  // The set the file comes closest to is the one its author meant.
  const closest = missingBySet.reduce((best, missing) => (missing.length < best.length ? missing : best));
  const sets = DOCUMENTED_COLUMN_SETS.map((set) => set.join(',')).join(' or ');
  return { reason: `the header lacks the column(s) ${closest.join(', ')}; Microsoft documents the columns ${sets} (any order and case)` };
}

function exactRefusal(names: readonly string[], expected: readonly string[]): HeaderRefusal | undefined {
  const wrong = names.findIndex((name, index) => name !== expected[index]);
  if (names.length === expected.length && wrong < 0) return undefined;
  const where = wrong >= 0 ? `column ${wrong + 1} is "${names[wrong]}"` : `it has ${names.length} columns`;
  return { reason: `the header must be exactly ${expected.join(',')} (UPLOAD_CSV_COLUMNS); ${where}`, column: wrong >= 0 ? wrong + 1 : undefined };
}
