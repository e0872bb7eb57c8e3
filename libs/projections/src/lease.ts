import { type ClientSession, type Collection, type Db, MongoServerError } from 'mongodb';
import { currentHolder, type HolderIdentity, provablyDead } from './holder-liveness';

export const LEASES = 'projection_leases';

interface LeaseDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
  renewedAt: Date;
  /** Another process (an operator's rebuild) asks the holder to hand the lease over. */
  handoverTo?: string;
  /** Who the owner is, for telling a dead holder from a live one (absent in leases of older versions). */
  holder?: HolderIdentity;
  /** What the holder's runner last reported, for status seen from other processes. */
  status?: ReportedStatus;
}

/** A holder's own account of its runner, written when its state changes. */
export interface ReportedStatus {
  state: string;
  lastError?: string;
  reportedAt: Date;
}

/** Another process's lease as seen by this one. */
export interface LeaseHolder {
  owner: string;
  expiresAt: Date;
  renewedAt: Date;
  /** Provably not running (see provablyDead): its lease is taken at once. */
  dead: boolean;
  /** Its runner's state as it last reported it (absent until it has, and in leases of older versions). */
  status?: ReportedStatus;
}

export class LeaseLostError extends Error {
  constructor(readonly projection: string) {
    super(`lease on projection "${projection}" is held by another worker`);
    this.name = 'LeaseLostError';
  }
}

/**
 * At most one worker process applies a given projection: it holds a lease with an expiry in MongoDB and
 * renews it; a crashed holder's lease expires and another worker takes over. Every batch also touches the
 * lease inside its transaction ({@link Leases.fence}), so a paused holder that wakes up after losing the
 * lease cannot commit a batch: its transaction finds no lease to touch, or conflicts with the new owner's.
 *
 * A holder that is provably dead (same host and its pid gone, or its published servers now served by this
 * process: see provablyDead) does not get to keep its lease until the TTL runs out: after a crash, the
 * restarted process takes its predecessor's leases at once instead of waiting.
 */
export class Leases {
  readonly collection: Collection<LeaseDoc>;

  constructor(
    db: Db,
    readonly owner: string,
    readonly ttlMs: number,
    readonly identity: HolderIdentity = currentHolder(),
  ) {
    this.collection = db.collection<LeaseDoc>(LEASES);
  }

  /** Takes or renews the lease; false when another owner, alive as far as can be told, holds it. */
  async acquire(key: string): Promise<boolean> {
    const now = new Date();
    const taken = {
      $set: {
        owner: this.owner,
        expiresAt: new Date(now.getTime() + this.ttlMs),
        renewedAt: now,
        holder: this.identity,
      },
      $unset: { handoverTo: '' as const },
    };
    try {
      const result = await this.collection.updateOne(
        { _id: key, $or: [{ owner: this.owner }, { expiresAt: { $lte: now } }] },
        taken,
        { upsert: true },
      );
      if (result.matchedCount + result.upsertedCount === 1) return true;
    } catch (error) {
      // The upsert raced with (or found) another owner's unexpired lease on the same _id.
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
    }
    const current = await this.collection.findOne({ _id: key });
    if (!current || current.owner === this.owner || !provablyDead(current.holder, this.identity))
      return false;
    // Exactly that dead holder's lease: if anyone renewed or took it meanwhile, it is theirs.
    const result = await this.collection.updateOne(
      { _id: key, owner: current.owner, renewedAt: current.renewedAt },
      taken,
    );
    return result.matchedCount === 1;
  }

  /**
   * Takes the lease for an operation that must not run alongside the worker (a swap, a reset): asks the
   * holder to hand it over and waits until it has, or until the holder's lease expired.
   */
  async take(key: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ask = () =>
      this.collection.updateOne(
        { _id: key, owner: { $ne: this.owner } },
        { $set: { handoverTo: this.owner } },
      );
    await ask();
    while (!(await this.acquire(key))) {
      if (Date.now() > deadline) throw new LeaseLostError(key);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Asked again each round: a lease that changed hands meanwhile (a restarted process took over its dead
      // predecessor's) no longer carries the request, and its new holder would never hand it over.
      await ask();
    }
  }

  /** True when this process holds the lease and someone asked for it. */
  async handoverRequested(key: string): Promise<boolean> {
    const doc = await this.collection.findOne({ _id: key, owner: this.owner });
    return doc?.handoverTo !== undefined && doc.handoverTo !== this.owner;
  }

  /** Called by the holder: passes the lease to whoever asked for it. True when it did. */
  async handOverIfRequested(key: string): Promise<boolean> {
    const doc = await this.collection.findOne({ _id: key, owner: this.owner });
    if (!doc?.handoverTo) return false;
    const result = await this.collection.updateOne(
      { _id: key, owner: this.owner, handoverTo: doc.handoverTo },
      {
        $set: { owner: doc.handoverTo, expiresAt: new Date(Date.now() + this.ttlMs) },
        // The new owner records who it is when it renews; until then nobody may call it dead. What this holder
        // reported of its runner is no longer true of the lease.
        $unset: { handoverTo: '', holder: '', status: '' },
      },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Of `keys`, those whose holder should act now rather than at its next renewal round: leases this process
   * holds that someone asked to be handed over, and leases nobody holds (released, expired or never taken).
   */
  async awaitingAction(keys: readonly string[]): Promise<string[]> {
    const now = new Date();
    const docs = await this.collection
      .find({ _id: { $in: [...keys] } }, { projection: { owner: 1, expiresAt: 1, handoverTo: 1 } })
      .toArray();
    const held = new Map(docs.map((doc) => [doc._id, doc]));
    return keys.filter((key) => {
      const doc = held.get(key);
      if (!doc || doc.expiresAt <= now) return true;
      return doc.owner === this.owner && doc.handoverTo !== undefined && doc.handoverTo !== this.owner;
    });
  }

  async release(key: string): Promise<void> {
    await this.collection.deleteOne({ _id: key, owner: this.owner });
  }

  async holder(key: string): Promise<LeaseHolder | null> {
    const doc = await this.collection.findOne({ _id: key, expiresAt: { $gt: new Date() } });
    if (!doc) return null;
    const dead = doc.owner !== this.owner && provablyDead(doc.holder, this.identity);
    return {
      owner: doc.owner,
      expiresAt: doc.expiresAt,
      renewedAt: doc.renewedAt,
      dead,
      ...(doc.status ? { status: doc.status } : {}),
    };
  }

  /** The holder publishes its runner's state on its lease; a no-op unless this process holds it. */
  async report(key: string, status: Omit<ReportedStatus, 'reportedAt'>): Promise<void> {
    await this.collection.updateOne(
      { _id: key, owner: this.owner },
      { $set: { status: { ...status, reportedAt: new Date() } } },
    );
  }

  /** Inside a batch transaction: proves this worker still holds the lease, or aborts the transaction. */
  async fence(key: string, session?: ClientSession): Promise<void> {
    const result = await this.collection.updateOne(
      { _id: key, owner: this.owner, expiresAt: { $gt: new Date() } },
      { $set: { renewedAt: new Date() } },
      { session },
    );
    if (result.matchedCount !== 1) throw new LeaseLostError(key);
  }
}
