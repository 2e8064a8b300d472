import Synchronization

/// The catalogs chains of migrations led to in this process, step by step.
///
/// A step's catalog is a function of the catalog before it and the SQL it runs, so two chains that
/// begin with the same migrations (staging's and prod's are the same eleven; dev shares its first
/// three) replay what they share once: a third of `synth --all`'s proof of the chains. A step is
/// known by the one before it and the migration's body as written: looked up by the header's
/// checksum, it is taken only for the same body (a hand-edited file's body may no longer match
/// its header). A few hundred are kept, so a process that replays
/// thousands of chains (the generative tests) holds no more than that.
enum ReplayedSteps {
    /// Where a chain stands after a step: the replayed catalog, its lines and their digest.
    struct Step: Sendable {
        fileprivate let id: Int
        /// The body of the migration that led here.
        fileprivate let body: String
        let replay: CatalogReplay
        let lines: [String]
        let digest: String
    }

    private struct Known {
        /// By the step before and the header's checksum (`12 sha256:…`: hashing a short string, not
        /// the body); a step is taken only when its body is the one replayed. Keyed by a string, whose
        /// hashing the runtime has already looked up, rather than a type of its own.
        var steps: [String: Step] = [:]
        /// Lines of tables and indexes described before, whichever chain they were in.
        var memo = CatalogReplay.LineMemo()
        var lastID = 0
    }

    private static let capacity = 512
    private static let known = Mutex(Known())

    /// An empty database.
    static let start: Step = {
        let empty = CatalogReplay()
        let lines = empty.lines
        return Step(id: 0, body: "", replay: empty, lines: lines, digest: SchemaCatalog.digest(lines))
    }()

    /// Where `migration` leads from `step`; a statement that cannot be replayed is thrown.
    static func after(_ step: Step, replaying migration: Migration) throws(CatalogReplay.Failure) -> Step {
        let key = "\(step.id) \(migration.checksum)"
        let (found, memoBefore) = known.withLock { ($0.steps[key], $0.memo) }
        if let found, found.body == migration.body { return found }
        var memo = memoBefore
        var replay = step.replay
        try replay.replay(migration)
        let lines = replay.lines(reusing: &memo)
        let digest = SchemaCatalog.digest(sortedLines: lines)
        return known.withLock { known in
            if let raced = known.steps[key], raced.body == migration.body { return raced }
            if known.steps.count >= capacity {
                known.steps.removeAll(keepingCapacity: true)
                known.memo = CatalogReplay.LineMemo()
            } else {
                known.memo = memo
            }
            known.lastID += 1
            let next = Step(id: known.lastID, body: migration.body, replay: replay, lines: lines, digest: digest)
            known.steps[key] = next
            return next
        }
    }
}
