import type { z } from 'zod';

/** The field an issue is about, as a reader would name it ("k", "filters.folders[0]"), or "the input". */
function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the input';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function plainIssue(issue: z.core.$ZodIssue): string {
  const field = fieldOf(issue.path);
  switch (issue.code) {
    case 'too_big':
      if (issue.origin === 'string') return `${field} is too long: at most ${issue.maximum} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${field} has too many entries: at most ${issue.maximum}`;
      return `${field} is too large: at most ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? `${field} is empty` : `${field} is too short: at least ${issue.minimum} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${field} needs at least ${issue.minimum} ${issue.minimum === 1 ? 'entry' : 'entries'}`;
      return `${field} is too small: at least ${issue.minimum}`;
    case 'invalid_type':
      if (issue.expected === 'int') return `${field} must be a whole number`;
      return issue.input === undefined ? `${field} is missing` : `${field} must be a ${issue.expected}`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `${field} has fields it does not know: ${issue.keys.join(', ')}`;
    default:
      return `${field}: ${issue.message}`;
  }
}

/**
 * A schema's complaints about an operation's input, in plain words naming each field
 * ("k must be a whole number; description is too long: at most 1000 characters"),
 * where zod's own report reads like a developer's ("✖ Invalid input: expected int,
 * received number → at k").
 */
export function inputProblems(error: z.ZodError): string {
  return error.issues.map(plainIssue).join('; ');
}
