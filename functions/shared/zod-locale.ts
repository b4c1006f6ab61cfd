import { config } from 'zod/mini';
import type * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini ships without messages ("Invalid input" for every issue); the English locale is what
// classic zod loads by default. Imported by every module that parses (request validation, workflow).
// Two messages differ from it (below): unknown keys, and unions that refuse a value.
const english = en().localeError;

/** What one option of a union expected, when it refused the value itself (not a field inside it). */
function expectedBy(issues: readonly z.core.$ZodIssue[]): string[] | undefined {
  const own = issues.filter((issue) => issue.path.length === 0);
  if (own.length !== 1 || issues.length !== 1) return undefined;
  const issue = own[0]!;
  if (issue.code === 'invalid_value') return issue.values.map((value) => JSON.stringify(value) ?? String(value));
  if (issue.code === 'invalid_type') return [issue.expected];
  if (issue.code === 'invalid_format') return [issue.format === 'datetime' || issue.format === 'date' ? `ISO ${issue.format}` : issue.format];
  return undefined;
}

config({
  localeError: (issue) => {
    // The English message names every key (a body of 20,000 unknown fields made a 450 KB string);
    // request validation reports each key as its own "Unknown field" entry anyway.
    if (issue.code === 'unrecognized_keys') return issue.keys.length === 1 ? 'Unknown field' : `${issue.keys.length} unknown fields`;
    // A union of literals (or of a literal and a shape) says which values it takes, as z.enum does,
    // instead of "Invalid input".
    if (issue.code === 'invalid_union' && !('options' in issue && Array.isArray(issue.options) && issue.options.length > 0) && issue.inclusive !== false) {
      const expected = issue.errors.map(expectedBy);
      if (expected.every((values) => values !== undefined)) return `Invalid option: expected one of ${[...new Set(expected.flat())].join('|')}`;
    }
    return english(issue);
  },
});
