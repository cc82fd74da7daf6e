/**
 * The marker the local runtime's write journal puts in the same transaction as each write it journals
 * (store/writeJournal.ts, docs/data-model.md "Local durability"): stored if and only if that write is.
 *  - by generation and token ... pk JOURNAL#<generation>  sk <token>   (never in AWS: only `npm start` journals)
 */
export const JournalMarkerItem = {
  type: "journalMarker",
  /** One partition per journal generation, so a compacted generation's markers are deleted with one query. */
  partition: (generation: string) => `JOURNAL#${generation}`,
  key: (generation: string, token: string) => ({ pk: `JOURNAL#${generation}`, sk: token }),
};
