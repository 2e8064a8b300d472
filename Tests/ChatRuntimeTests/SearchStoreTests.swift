import AWSServices
import ChatRuntime
import Testing

/// Search quality on a generated corpus: each ranking finds what only it can find, and the
/// visibility filter holds. The same assertions on both backends.
@Suite(.serialized, .timeLimit(.minutes(5))) struct SearchStoreTests {
    static let topics = ["travel", "cooking", "finance", "legal", "medical", "music", "sports", "coding", "gardening", "history"]

    static func corpus() -> [Bot] {
        var bots: [Bot] = []
        for index in 0..<240 {
            let topic = topics[index % topics.count]
            bots.append(Bot(botId: "bot-\(index)", ownerId: "owner-\(index % 7)", title: "\(topic) helper \(index)",
                            description: "Answers everyday \(topic) questions, case \(index).", visibility: .public))
        }
        // Found by a typo in its title (trigram), by a keyword only its description has (full text),
        // and by meaning alone (the vector index).
        bots.append(Bot(botId: "typo-target", ownerId: "owner-1", title: "Kubernetes Whisperer", description: "cluster operations", visibility: .public))
        bots.append(Bot(botId: "keyword-target", ownerId: "owner-2", title: "Night Owl", description: "explains the zymurgy of homebrewing", visibility: .public))
        bots.append(Bot(botId: "semantic-target", ownerId: "owner-3", title: "Wanderlust", description: "plans vacation getaways and itinerary stops", visibility: .public))
        bots.append(Bot(botId: "private-bot", ownerId: "alice", title: "Alice private zymurgy notes", description: "zymurgy zymurgy", visibility: .private))
        bots.append(Bot(botId: "shared-bot", ownerId: "alice", title: "Alice shared zymurgy notes", description: "zymurgy for friends",
                        visibility: .shared, sharedWith: ["bob"]))
        return bots
    }

    static func seeded(_ kind: BackendKind) async throws -> Harness {
        let harness = try await Harness.make(kind)
        for bot in corpus() { try await harness.chat.search.upsert(bot) }
        return harness
    }

    @Test(arguments: BackendKind.allCases)
    func eachRankingFindsWhatOnlyItCanFind(_ kind: BackendKind) async throws {
        let harness = try await Self.seeded(kind)
        defer { harness.close() }
        let search = harness.chat.search
        // A typo no word matches: the title trigram ranking puts it first.
        let typo = try await search.searchBots("Kubernets Wisperer", user: "carol", limit: 5)
        #expect(typo.first?.botId == "typo-target", "\(typo.map(\.botId))")
        #expect(typo.first?.ranks.title == 1 && typo.first?.ranks.text == nil)
        // A word only in one description: full text finds it, the title ranking does not.
        let keyword = try await search.searchBots("zymurgy", user: "carol", limit: 5)
        #expect(keyword.first?.botId == "keyword-target", "\(keyword.map(\.botId))")
        #expect(keyword.first?.ranks.text == 1 && keyword.first?.ranks.title == nil)
        // No shared word or title: only the vector ranking (related words embed nearby) finds it.
        let meaning = try await search.searchBots("holiday trip", user: "carol", limit: 5)
        #expect(meaning.first?.botId == "semantic-target", "\(meaning.map(\.botId))")
        #expect(meaning.first?.ranks == HitRanks(vector: 1, text: nil, title: nil))
        #expect(meaning.allSatisfy { $0.score > 0 })
    }

    @Test(arguments: BackendKind.allCases)
    func usersSeeTheirOwnSharedAndPublicBotsOnly(_ kind: BackendKind) async throws {
        let harness = try await Self.seeded(kind)
        defer { harness.close() }
        let search = harness.chat.search
        let carol = Set(try await search.searchBots("zymurgy notes", user: "carol", limit: 20).map(\.botId))
        let bob = Set(try await search.searchBots("zymurgy notes", user: "bob", limit: 20).map(\.botId))
        let alice = Set(try await search.searchBots("zymurgy notes", user: "alice", limit: 20).map(\.botId))
        #expect(!carol.contains("private-bot") && !carol.contains("shared-bot") && carol.contains("keyword-target"))
        #expect(bob.contains("shared-bot") && !bob.contains("private-bot"))
        #expect(alice.contains("shared-bot") && alice.contains("private-bot"))
    }

    /// Who sees what, written out from Bedrock Chat's code (aws-samples/bedrock-chat at a739a6c,
    /// `backend/app/repositories/bot_store.py`): `find_bots_by_query` lets everyone see `all` bots, the
    /// owner their `private` and `partial` ones, the users and groups a `partial` bot lists, and members
    /// of Admin every `partial` bot; `find_bots_sorted_by_usage_count` and `find_random_bots` have the
    /// same clauses without the Admin one. No one sees another user's private bot in a listing, Admin
    /// included; opened by id (`fetch_bot`, `BotModel.is_accessible_by_user`), Admin sees every bot.
    /// Bots: olga's private, partial for uma, partial for Finance and all; ada's own private one.
    static let visibleTo: [String: [BotListing: Set<String>]] = {
        let search: [String: Set<String>] = [
            "owner olga": ["private", "by-user", "by-group", "everyone"],
            "listed user uma": ["by-user", "everyone"],
            "Finance member fay": ["by-group", "everyone"],
            "other user nobody": ["everyone"],
            "Admin ada": ["by-user", "by-group", "everyone", "admins-own"],
        ]
        let listed: [String: Set<String>] = search.merging(["Admin ada": ["everyone", "admins-own"]]) { $1 }
        let bots = ["private", "by-user", "by-group", "everyone", "admins-own"]
        return Dictionary(uniqueKeysWithValues: search.keys.map { caller in
            (caller, [.storeSearch: search[caller]!, .botSearch: search[caller]!, .popular: listed[caller]!, .pickup: listed[caller]!,
                      .byId: caller == "Admin ada" ? Set(bots) : search[caller]!])
        })
    }()

    static let callers: [String: (user: String, groups: [String])] = [
        "owner olga": ("olga", []), "listed user uma": ("uma", []), "Finance member fay": ("fay", ["Finance", "Ops"]),
        "other user nobody": ("nobody", ["Ops", "admin"]), "Admin ada": ("ada", ["Admin"]),
    ]

    @Test(arguments: BackendKind.allCases)
    func visibilityIsBedrockChatsInEveryListing(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let search = harness.chat.search
        for bot in [
            Bot(botId: "private", ownerId: "olga", title: "Lantern festival planner", visibility: .private),
            Bot(botId: "by-user", ownerId: "olga", title: "Lantern festival planner", visibility: .shared, sharedWith: ["uma"]),
            Bot(botId: "by-group", ownerId: "olga", title: "Lantern festival planner", visibility: .shared, allowedGroups: ["Finance"]),
            Bot(botId: "everyone", ownerId: "olga", title: "Lantern festival planner", visibility: .public),
            Bot(botId: "admins-own", ownerId: "ada", title: "Lantern festival planner", visibility: .private),
        ] { try await search.upsert(bot) }
        let store = harness.chat.botStore
        for (name, (user, groups)) in Self.callers.sorted(by: { $0.key < $1.key }) {
            let expected = try #require(Self.visibleTo[name])
            for listing in BotListing.allCases {
                let seen: Set<String> = switch listing {
                case .storeSearch: Set(try await store.search("lantern festival", user: user, groups: groups, limit: 10).map(\.id))
                case .popular: Set(try await store.popular(user: user, groups: groups, limit: 10).map(\.id))
                case .pickup: Set(try await store.pickup(user: user, groups: groups, limit: 10).map(\.id))
                case .botSearch: Set(try await search.searchBots("lantern festival", user: user, groups: groups, limit: 10).map(\.botId))
                case .byId:
                    // Each bot opened in turn: the visible ones open, the others are refused as not shared.
                    try await Self.opened(["private", "by-user", "by-group", "everyone", "admins-own"], store: store, user: user, groups: groups)
                }
                #expect(seen == expected[listing], "\(name) in \(listing)")
            }
        }
        await #expect(throws: ChatStoreError.notFound("no bot missing")) { try await store.bot("missing", user: "ada", groups: ["Admin"]) }
    }

    /// The bots of `ids` that `user` may open; a refusal must say the bot is not shared.
    static func opened(_ ids: [String], store: BotStore, user: String, groups: [String]) async throws -> Set<String> {
        var opened: Set<String> = []
        for id in ids {
            do {
                opened.insert(try await store.bot(id, user: user, groups: groups).id)
            } catch ChatStoreError.forbidden(let reason) {
                #expect(reason == "bot \(id) is not shared with \(user)")
            }
        }
        return opened
    }

    /// Bedrock Chat's store searches the instruction as well as the title and description.
    @Test(arguments: BackendKind.allCases)
    func aBotIsFoundByItsInstruction(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        try await harness.chat.search.upsert(Bot(botId: "brewer", ownerId: "olga", title: "Night Owl", description: "answers questions",
                                                 instruction: "Explain the zymurgy of homebrewing step by step.", visibility: .public))
        try await harness.chat.search.upsert(Bot(botId: "other", ownerId: "olga", title: "Tax helper", description: "returns", visibility: .public))
        let hits = try await harness.chat.botStore.search("zymurgy", user: "uma", groups: [], limit: 5)
        #expect(hits.first?.id == "brewer", "\(hits.map(\.id))")
        let ranks = try await harness.chat.search.searchBots("zymurgy", user: "uma", limit: 5).first { $0.botId == "brewer" }?.ranks
        #expect(ranks?.text == 1, "found by full text: \(String(describing: ranks))")
    }

    @Test(arguments: BackendKind.allCases)
    func updatesAndDeletesChangeWhatIsFound(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let search = harness.chat.search
        try await search.upsert(Bot(botId: "b1", ownerId: "alice", title: "Recipe Muse", description: "baking bread", visibility: .public))
        #expect(try await search.searchBots("bread", user: "bob", limit: 3).map(\.botId) == ["b1"])
        try await search.upsert(Bot(botId: "b1", ownerId: "alice", title: "Recipe Muse", description: "grilling fish", visibility: .private))
        #expect(try await search.searchBots("bread", user: "bob", limit: 3).isEmpty)
        await #expect(throws: ChatStoreError.forbidden("bot b1 belongs to another user")) {
            try await search.upsert(Bot(botId: "b1", ownerId: "mallory", title: "stolen"))
        }
        #expect(try await search.deleteBot("b1", ownerId: "alice"))
        #expect(try await search.searchBots("fish", user: "alice", limit: 3).isEmpty)
    }

    @Test(arguments: BackendKind.allCases)
    func conversationSearchIsPerUser(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let search = harness.chat.search
        let mine = newConversationId(), theirs = newConversationId()
        for (id, user) in [(mine, "alice"), (theirs, "bob")] {
            try await harness.chat.history.upsert(Conversation(conversationId: id, ownerId: user))
            try await search.upsert(ConversationSummary(conversationId: id, userId: user, title: "Trip to Hội An", excerpt: "lanterns and tailors"))
        }
        let hits = try await search.searchConversations("Hoi An lanterns", user: "alice", limit: 5)
        #expect(hits.map(\.conversationId) == [mine])
    }

    /// Vietnamese is searched with its accents folded: a query with or without diacritics finds text
    /// written the other way, in full-text, trigram and conversation search alike.
    @Test(arguments: BackendKind.allCases)
    func vietnameseQueriesFindTextWithOrWithoutDiacritics(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, stage: try StageContract.named("dev"))
        defer { harness.close() }
        #expect(harness.chat.search.textSearch.foldingFunction == "immutable_unaccent")
        let search = harness.chat.search
        try await search.upsert(Bot(botId: "accented", ownerId: "lan", title: "Hướng dẫn du lịch Hội An", description: "Phố cổ và đèn lồng", visibility: .public))
        try await search.upsert(Bot(botId: "plain", ownerId: "lan", title: "Pho bo Ha Noi", description: "cach nau nuoc dung", visibility: .public))
        try await search.upsert(Bot(botId: "other", ownerId: "lan", title: "Tax helper", description: "returns and deductions", visibility: .public))
        func hit(_ query: String, _ bot: String) async throws -> BotHit? {
            try await search.searchBots(query, user: "khoa", limit: 5).first { $0.botId == bot }
        }
        let plainQuery = try #require(try await hit("hoi an", "accented"), "\"hoi an\" finds \"Hội An\"")
        #expect(plainQuery.ranks.text == 1 && plainQuery.ranks.title != nil, "by its words and its folded title: \(plainQuery.ranks)")
        let accentedQuery = try #require(try await hit("Phở Hà Nội", "plain"), "\"Phở Hà Nội\" finds \"Pho bo Ha Noi\"")
        #expect(accentedQuery.ranks.text == 1 && accentedQuery.ranks.title != nil, "\(accentedQuery.ranks)")
        #expect(try await hit("đèn lồng", "accented")?.ranks.text == 1, "đ folds to d")
        #expect(try await hit("hoi an", "other")?.ranks.text == nil, "no false full-text match")

        let conversations = ConversationIndex(executor: harness.executor)
        let item: DynamoDBClient.Item = ["PK": .string("khoa"), "SK": .string("khoa#CONV#c1"), "Title": .string("Chuyến đi Hội An"),
                                         "MessageMap": .string(BedrockChatFixture.messageMap(1, topic: "phố cổ Hội An"))]
        guard case .conversation(let conversation) = ConversationItem.read(item) else { Issue.record("a conversation"); return }
        _ = try await conversations.apply(conversation, text: try await conversation.messageText(nil))
        let found = try await harness.chat.conversationText.search("pho co hoi an", user: "khoa")
        #expect(found.map(\.id) == ["c1"], "\(found)")
        #expect(found.first?.highlights.contains { $0.fragments.contains { $0.contains("<em>Hội</em>") } } == true, "highlights keep the text as written: \(found)")
    }

    /// Every stage searches Bedrock Chat's 13 languages and Vietnamese at once, each bot in its own:
    /// stemming where PostgreSQL has a stemmer, accents folded, and unsegmented scripts (Japanese,
    /// Chinese, Korean, Thai) by character pairs, so a word inside a longer run is found. Each case is
    /// a bot in one language and a query that must find it by full text alone (its text rank), among
    /// bots in all the others; and where its words can be misspelled (4 letters and more, outside the
    /// unsegmented scripts), a query with one letter wrong, missing or swapped that finds it, and it
    /// alone, by its spellings.
    static let multilingual: [(language: String, title: String, description: String, query: String, misspelled: String?)] = [
        ("en", "Trip planner", "plans journeys by train", "planning trains", "jounreys"),
        ("de", "Reiseplaner für Familien", "Hilft bei der Planung von Reisen mit Kindern", "reise familie", "Famlien"),
        ("fr", "Guide des cafés parisiens", "Trouve un café pour travailler dans les quartiers", "cafe quartier", "quatriers"),
        ("es", "Asistente de recetas", "Ayuda con las recetas de cocina para cenas rápidas", "receta cocinas", "cocnia"),
        ("it", "Consulente di viaggi", "Organizza viaggi per le vacanze in montagna", "viaggio vacanza", "montgana"),
        ("nb", "Turplanlegger for fjellet", "Hjelper med å planlegge turer i fjellet og på isen", "fjell turer", "fjlelet"),
        ("id", "Asisten perjalanan", "Membantu merencanakan perjalanan dan liburan keluarga", "rencana liburan", "perjalnan"),
        ("ms", "Pembantu masakan", "Membantu memasak hidangan untuk keluarga anda", "masakan keluarga", "hidagnan"),
        ("ja", "京都観光ガイド", "お寺と庭園を案内します", "観光ガイド", nil),
        ("zhhans", "北京旅游助手", "帮助你规划旅行路线", "旅游", nil),
        ("zhhant", "臺北美食指南", "介紹夜市和小吃", "美食", nil),
        ("ko", "서울 여행 가이드", "맛집과 관광지를 추천합니다", "여행", nil),
        ("th", "คู่มือท่องเที่ยวเชียงใหม่", "แนะนำร้านอาหารและวัด", "ท่องเที่ยว", nil),
        ("vi", "Hướng dẫn du lịch Hội An", "Phố cổ và đèn lồng", "hoi an", nil),
    ]

    @Test(arguments: BackendKind.allCases)
    func everyLanguageIsSearchedInItsOwnWayOnOneStage(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, stage: try StageContract.named("staging"))
        defer { harness.close() }
        let search = harness.chat.search
        #expect(search.textSearch.configurations.count == 9 && search.textSearch.detector == "chat_search_config", "\(search.textSearch)")
        for (language, title, description, _, _) in Self.multilingual {
            try await search.upsert(Bot(botId: "bot-\(language)", ownerId: "lan", title: title, description: description, visibility: .public))
        }
        for (language, _, _, query, misspelled) in Self.multilingual {
            let hits = try await search.searchBots(query, user: "khoa", limit: 10)
            let hit = hits.first { $0.botId == "bot-\(language)" }
            #expect(hit?.ranks.text == 1, "\(language): \(query) finds its bot by full text first: \(hits.map { "\($0.botId) \($0.ranks)" })")
            guard let misspelled else { continue }
            let spelled = try await search.searchBots(misspelled, user: "khoa", limit: 10)
            let found = spelled.first { $0.botId == "bot-\(language)" }
            #expect(found?.ranks.spelling == 1 && found?.ranks.text == nil && spelled.compactMap(\.ranks.spelling).count == 1,
                    "\(language): \(misspelled) finds its bot alone by a word one letter away: \(spelled.map { "\($0.botId) \($0.ranks)" })")
        }
        // A query that appears in no bot's text finds none by full text or spelling, in any language.
        #expect(try await search.searchBots("zymurgy", user: "khoa", limit: 10).allSatisfy { $0.ranks.text == nil && $0.ranks.spelling == nil })
        // Conversations are searched the same way, and keep their text as written in highlights.
        let conversations = ConversationIndex(executor: harness.executor)
        let item: DynamoDBClient.Item = ["PK": .string("khoa"), "SK": .string("khoa#CONV#c1"), "Title": .string("京都の旅行"),
                                         "MessageMap": .string(BedrockChatFixture.messageMap(1, topic: "京都観光ガイド"))]
        guard case .conversation(let conversation) = ConversationItem.read(item) else { Issue.record("a conversation"); return }
        _ = try await conversations.apply(conversation, text: try await conversation.messageText(nil))
        #expect(try await harness.chat.conversationText.search("観光ガイド", user: "khoa").map(\.id) == ["c1"])
    }

    /// The values the stores write and compare are the ones the schema's checks allow.
    @Test func visibilitiesAndRolesAreTheContracts() {
        #expect(Visibility.allCases.map(\.rawValue) == ChatContract.Values.visibilities)
        #expect(ChatHistoryStore.roles == Set(ChatContract.Values.roles))
    }
}
