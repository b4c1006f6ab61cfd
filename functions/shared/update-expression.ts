/**
 * Builds an UpdateItem expression from plain values, with placeholders for every name and value
 * (so reserved words and user input never reach the expression text).
 */
export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

export function buildUpdate(options: {
  set?: Record<string, unknown>;
  remove?: string[];
  increment?: Record<string, number>;
  /** Elements to add at the end of a list attribute (created when missing). */
  append?: Record<string, unknown[]>;
}): UpdateParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const setParts: string[] = [];
  let i = 0;
  for (const [field, value] of Object.entries(options.set ?? {})) {
    if (value === undefined) continue;
    names[`#f${i}`] = field;
    values[`:v${i}`] = value;
    setParts.push(`#f${i} = :v${i}`);
    i++;
  }
  for (const [field, by] of Object.entries(options.increment ?? {})) {
    names[`#f${i}`] = field;
    values[`:v${i}`] = by;
    setParts.push(`#f${i} = #f${i} + :v${i}`);
    i++;
  }
  for (const [field, elements] of Object.entries(options.append ?? {})) {
    names[`#f${i}`] = field;
    values[`:v${i}`] = elements;
    values[':emptyList'] = [];
    setParts.push(`#f${i} = list_append(if_not_exists(#f${i}, :emptyList), :v${i})`);
    i++;
  }
  const removeParts: string[] = [];
  for (const field of options.remove ?? []) {
    names[`#f${i}`] = field;
    removeParts.push(`#f${i}`);
    i++;
  }
  const clauses = [setParts.length ? `SET ${setParts.join(', ')}` : '', removeParts.length ? `REMOVE ${removeParts.join(', ')}` : ''];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
