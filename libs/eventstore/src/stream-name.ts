/**
 * `<category>-<id>`. EventStoreDB's $by_category projection splits at the first dash, so a dash in the
 * category would file the stream under the wrong category; ids (uuids) may contain dashes.
 */
export const streamName = (category: string, id: string): string => {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(category)) {
    throw new Error(`Invalid stream category "${category}": letters, digits and underscores only, no dashes`);
  }
  if (id.length === 0) throw new Error('A stream id must not be empty');
  return `${category}-${id}`;
};
