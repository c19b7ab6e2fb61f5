// A query that always answers one row (an insert … returning, a count, now()) reads it through oneRow: no
// row is a broken query, said by the query's name rather than as a TypeError further on.
export function oneRow<T>(rows: readonly T[], query: string): T {
  const [row] = rows;
  if (row === undefined) throw new Error(`${query}: the query answered no row`);
  return row;
}
