import { type Collection, type Db } from 'mongodb';

export const INBOX_COLLECTION = 'inbox';

interface InboxEntry {
  _id: string;
  type: string;
  appliedAt: Date;
}

/**
 * The ids of inbound messages already applied, so a redelivery (the broker's at-least-once) is acknowledged
 * without applying it again. Written after the message's command succeeded; a crash in between is covered by
 * the command's idempotency key, which is derived from the same id.
 */
export class Inbox {
  private readonly entries: Collection<InboxEntry>;

  constructor(db: Db) {
    this.entries = db.collection<InboxEntry>(INBOX_COLLECTION);
  }

  async has(id: string): Promise<boolean> {
    return (await this.entries.countDocuments({ _id: id }, { limit: 1 })) > 0;
  }

  async record(id: string, type: string): Promise<void> {
    await this.entries.updateOne(
      { _id: id },
      { $setOnInsert: { type, appliedAt: new Date() } },
      { upsert: true },
    );
  }
}
