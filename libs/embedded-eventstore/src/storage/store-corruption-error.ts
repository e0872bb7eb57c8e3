/**
 * Damage to acknowledged records. The store refuses to start and leaves every file as it found it: cutting
 * the log at the damage would silently drop every later acknowledged event.
 */
export class StoreCorruptionError extends Error {
  override readonly name = 'StoreCorruptionError';

  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
    /** Valid records after the damage, in this file and every later one. */
    readonly recordsAfter: number,
  ) {
    super(
      `embedded-eventstore: ${file} is damaged at offset ${offset} (${reason}) with ${recordsAfter} valid ` +
        'record(s) after it; refusing to start, nothing was modified. Run `eventshop store verify` for a ' +
        'report and `eventshop store salvage --to <dir>` to copy every valid record into a new store.',
    );
  }
}
