/// How writes from the source keep their order. A stream record carries its sequence number; a row
/// remembers the sequence of the record last applied (`source_sequence`), and a removed item leaves a
/// tombstone with the REMOVE's sequence. A backfill that finds an item gone from the source removes
/// its row too, and leaves a tombstone with no sequence, stamped with when it looked (`removed_at`).
/// Every write says when its item was seen (`:observed`, epoch seconds): a stream record's
/// `ApproximateCreationDateTime`, or when a backfill read the page. Then:
/// - a record older than the row, or than the item's stream tombstone, changes nothing;
/// - a write of an item seen before a backfill found it gone changes nothing (a record redriven from
///   the dead-letter queue, a page read before the sweep);
/// - a newer write clears the tombstone (an item created again under the same key);
/// - a backfill write (no sequence) touches only rows the stream has not written and items it has
///   not removed: the stream runs before the backfill starts, so what it wrote is at least as new.
enum SyncOrder {
    typealias Tombstones = ChatContract.SyncTombstones

    enum Kind: String {
        case bot, conversation
    }

    /// The upsert's `ON CONFLICT … WHERE` condition: the incoming row (`EXCLUDED`) is newer than `table`'s.
    static func newer(than table: String) -> String {
        let stored = "\(table).source_sequence"
        return "(CASE WHEN EXCLUDED.source_sequence IS NULL THEN \(stored) IS NULL ELSE \(stored) IS NULL OR \(stored) < EXCLUDED.source_sequence END)"
    }

    static let observed = "to_timestamp(CAST(:observed AS float8))"

    /// True when the item has no tombstone as new as this write: a stream tombstone at least as new as
    /// `:sequence` (any, for a backfill), or a backfill's from when the item was seen (`:observed`) or later.
    static func notRemoved(_ kind: Kind, owner: String, item: String) -> String {
        """
        NOT EXISTS (SELECT 1 FROM \(Tombstones.table) t WHERE t.\(Tombstones.kind) = '\(kind.rawValue)' AND t.\(Tombstones.ownerId) = \(owner)
          AND t.\(Tombstones.itemId) = \(item)
          AND (t.\(Tombstones.sourceSequence) IS NULL AND t.\(Tombstones.removedAt) >= \(observed)
               OR t.\(Tombstones.sourceSequence) IS NOT NULL
                  AND (CAST(:sequence AS numeric) IS NULL OR t.\(Tombstones.sourceSequence) >= CAST(:sequence AS numeric))))
        """
    }

    /// A CTE that drops the item's tombstones older than this write, for an upsert to run after.
    static func clearOlderTombstone(_ kind: Kind, owner: String, item: String) -> String {
        """
        cleared AS (DELETE FROM \(Tombstones.table) WHERE \(Tombstones.kind) = '\(kind.rawValue)' AND \(Tombstones.ownerId) = \(owner)
          AND \(Tombstones.itemId) = \(item)
          AND (\(Tombstones.sourceSequence) < CAST(:sequence AS numeric) OR \(Tombstones.sourceSequence) IS NULL AND \(Tombstones.removedAt) < \(observed)))
        """
    }

    /// Deletes the row matching `match` if it is as it was when the backfill listed it (`updated_at`
    /// is `:listed`), after the source was found without its item at `:observed`, and leaves a
    /// tombstone from then; the statement returns the number deleted.
    static func removeMissing(_ kind: Kind, from table: String, where match: String, owner: String, item: String) -> String {
        """
        WITH removed AS (DELETE FROM \(table) WHERE \(match) AND updated_at = CAST(:listed AS timestamptz) RETURNING 1),
        tombstone AS (
          INSERT INTO \(Tombstones.table) (\(Tombstones.kind), \(Tombstones.ownerId), \(Tombstones.itemId), \(Tombstones.sourceSequence), \(Tombstones.removedAt))
          SELECT '\(kind.rawValue)', \(owner), \(item), NULL, \(observed) WHERE EXISTS (SELECT 1 FROM removed)
          ON CONFLICT (\(Tombstones.kind), \(Tombstones.ownerId), \(Tombstones.itemId)) DO UPDATE
            SET \(Tombstones.removedAt) = greatest(\(Tombstones.table).\(Tombstones.removedAt), EXCLUDED.\(Tombstones.removedAt)))
        SELECT count(*) FROM removed
        """
    }

    /// Deletes the row matching `match` unless it is newer than `:sequence`, and leaves a tombstone;
    /// the statement returns one row (the number deleted) unless the REMOVE was older than the row.
    static func remove(_ kind: Kind, from table: String, where match: String, owner: String, item: String) -> String {
        """
        WITH current AS (SELECT source_sequence FROM \(table) WHERE \(match)),
        removed AS (DELETE FROM \(table) WHERE \(match) AND (source_sequence IS NULL OR source_sequence < CAST(:sequence AS numeric)) RETURNING 1)
        INSERT INTO \(Tombstones.table) (\(Tombstones.kind), \(Tombstones.ownerId), \(Tombstones.itemId), \(Tombstones.sourceSequence))
        SELECT '\(kind.rawValue)', \(owner), \(item), CAST(:sequence AS numeric)
         WHERE NOT EXISTS (SELECT 1 FROM current WHERE source_sequence >= CAST(:sequence AS numeric))
        ON CONFLICT (\(Tombstones.kind), \(Tombstones.ownerId), \(Tombstones.itemId)) DO UPDATE
          SET \(Tombstones.sourceSequence) = greatest(\(Tombstones.table).\(Tombstones.sourceSequence), EXCLUDED.\(Tombstones.sourceSequence)), \(Tombstones.removedAt) = now()
        RETURNING (SELECT count(*) FROM removed)
        """
    }

    /// A stream sequence number: decimal digits, up to 40 of them.
    static func validate(_ sequence: String?) throws(ChatStoreError) {
        guard let sequence else { return }
        guard !sequence.isEmpty, sequence.count <= 40, sequence.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalid("a sequence number is up to 40 decimal digits (got \(sequence.prefix(60).debugDescription))")
        }
    }
}
