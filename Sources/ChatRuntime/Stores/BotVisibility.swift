/// The places a bot is listed or opened, each with its own reach for members of `Admin`.
public enum BotListing: String, Sendable, CaseIterable {
    /// `/store/search`: Bedrock Chat's `find_bots_by_query`.
    case storeSearch
    /// `/store/popular`: `find_bots_sorted_by_usage_count`.
    case popular
    /// `/store/pickup`: `find_random_bots`.
    case pickup
    /// `/bots/search` and `chat-store search-bots`: this project's hybrid search, which answers what
    /// the store search answers.
    case botSearch
    /// `/store/bots/{id}`: opening one bot, Bedrock Chat's `fetch_bot` (`BotModel.is_accessible_by_user`).
    case byId
}

/// Who sees which bot, decided here for every listing, as Bedrock Chat decides it
/// (aws-samples/bedrock-chat `backend/app/repositories/bot_store.py` and
/// `backend/app/repositories/models/custom_bot.py`):
/// - a bot shared with `all` (stored `public`): everyone;
/// - the owner: every bot of theirs;
/// - a bot shared `partial` (stored `shared`): the users it lists, and the members of the groups it lists;
/// - members of `Admin`: every `partial` bot as well in the store search (and bot search), no
///   exception in popular and pick up, and every bot, private ones included, when opened by id;
/// - another user's private bot (no `SharedScope`): no one else, in any listing.
struct BotVisibility: Sendable {
    typealias Bots = ChatContract.BotVectors

    /// The Cognito group Bedrock Chat calls administrators (`User.is_admin`).
    static let adminGroup = "Admin"

    enum Reach: Sendable {
        /// The caller's own bots, public ones, and shared ones that list the caller or a group of theirs.
        case listed
        /// `listed`, and every shared bot.
        case everyShared
        /// Every bot.
        case every
    }

    var reach: Reach
    /// In some group: bots shared with one of them count.
    var inGroups: Bool

    init(_ listing: BotListing, groups: [String]) {
        let admin = groups.contains(Self.adminGroup)
        switch listing {
        case .storeSearch, .botSearch: reach = admin ? .everyShared : .listed
        case .popular, .pickup: reach = .listed
        case .byId: reach = admin ? .every : .listed
        }
        inGroups = !groups.isEmpty
    }

    static let publicBot = "b.\(Bots.visibility) = '\(Visibility.public.rawValue)'"
    static let sharedBot = "b.\(Bots.visibility) = '\(Visibility.shared.rawValue)'"
    static let privateBot = "b.\(Bots.visibility) = '\(Visibility.private.rawValue)'"

    /// The shared bots that list `:user` or one of `:groups` (a JSON array).
    var listsCaller: String {
        (["b.\(Bots.sharedWith) @> ARRAY[CAST(:user AS text)]"]
            + (inGroups ? ["b.\(Bots.allowedGroups) && ARRAY(SELECT jsonb_array_elements_text(CAST(:groups AS jsonb)))"] : []))
            .joined(separator: " OR ")
    }

    /// The rule as one condition on the bot `b`, with the parameters `:user` and `:groups`.
    var condition: String {
        switch reach {
        case .every: "true"
        case .everyShared: "(b.\(Bots.ownerId) = :user OR \(Self.publicBot) OR \(Self.sharedBot))"
        case .listed: "(b.\(Bots.ownerId) = :user OR \(Self.publicBot) OR (\(Self.sharedBot) AND (\(listsCaller))))"
        }
    }
}
