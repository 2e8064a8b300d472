/// A labelled multilingual set for the text rankings: for each language search understands, bots
/// whose titles and descriptions are written in it, and queries of the kinds people type (whole
/// words, prefixes, misspellings, and for scripts without spaces, substrings), each with the bots it
/// should find: those whose title holds the word the query aims at, or for a prefix, any word it
/// begins (a prefix names no one language's word: "lanter" begins English "lantern", French
/// "lanterne" and Italian "lanterna" alike).
struct MultilingualCorpus {
    struct Language: Sendable {
        var code: String
        var topics: [String]
        var roles: [String]
        /// Written without spaces between words: a title is its topic and role run together.
        var unsegmented = false
        var description: @Sendable (String) -> String

        func title(_ topic: String, _ role: String) -> String { unsegmented ? topic + role : "\(topic) \(role)" }
    }

    struct Bot {
        var id: String
        var title: String
        var description: String
    }

    struct Query {
        enum Kind: String, CaseIterable { case word, prefix, misspelling, substring }
        var language: String
        var kind: Kind
        var text: String
        /// The bots whose title holds the word the query aims at, in any language; for a prefix, a word it begins.
        var relevant: Set<String>
        /// The bots whose title holds the word the query aims at, whatever its kind.
        var aimedAt: Set<String>
    }

    static let languages: [Language] = [
        Language(code: "en", topics: ["travel", "recipe", "budget", "contract", "symptom", "guitar", "training", "garden", "history", "lantern",
                                      "noodle", "ledger", "poetry", "camera", "tennis", "chemistry", "robot", "weather", "museum", "bicycle",
                                      "painting", "astronomy", "language", "insurance", "mortgage"],
                 roles: ["planner", "coach", "tutor", "helper", "guide", "advisor", "writer", "critic"],
                 description: { "Answers everyday questions about \($0) for you and your family" }),
        Language(code: "de", topics: ["Reise", "Rezept", "Haushalt", "Vertrag", "Symptome", "Gitarre", "Training", "Garten", "Geschichte", "Laterne",
                                      "Nudeln", "Buchhaltung", "Gedichte", "Kamera", "Tennis", "Chemie", "Roboter", "Wetter", "Museum", "Fahrrad",
                                      "Malerei", "Astronomie", "Sprache", "Versicherung", "Hypothek"],
                 roles: ["Planer", "Trainer", "Lehrer", "Helfer", "Führer", "Berater", "Autor", "Kritiker"],
                 description: { "Beantwortet alltägliche Fragen über \($0) für die ganze Familie" }),
        Language(code: "fr", topics: ["voyage", "recette", "budget", "contrat", "symptôme", "guitare", "entraînement", "jardin", "histoire", "lanterne",
                                      "nouilles", "comptabilité", "poésie", "caméra", "tennis", "chimie", "robot", "météo", "musée", "vélo",
                                      "peinture", "astronomie", "langue", "assurance", "hypothèque"],
                 roles: ["planificateur", "entraîneur", "professeur", "assistant", "guide", "conseiller", "écrivain", "critique"],
                 description: { "Répond aux questions de tous les jours sur \($0) pour toute la famille" }),
        Language(code: "es", topics: ["viaje", "receta", "presupuesto", "contrato", "síntoma", "guitarra", "entrenamiento", "jardín", "historia", "linterna",
                                      "fideos", "contabilidad", "poesía", "cámara", "tenis", "química", "robot", "clima", "museo", "bicicleta",
                                      "pintura", "astronomía", "idioma", "seguro", "hipoteca"],
                 roles: ["planificador", "entrenador", "tutor", "ayudante", "guía", "asesor", "escritor", "crítico"],
                 description: { "Responde las preguntas cotidianas sobre \($0) para toda la familia" }),
        Language(code: "it", topics: ["viaggio", "ricetta", "bilancio", "contratto", "sintomo", "chitarra", "allenamento", "giardino", "storia", "lanterna",
                                      "pasta", "contabilità", "poesia", "fotocamera", "tennis", "chimica", "robot", "meteo", "museo", "bicicletta",
                                      "pittura", "astronomia", "lingua", "assicurazione", "mutuo"],
                 roles: ["pianificatore", "allenatore", "insegnante", "aiutante", "guida", "consulente", "scrittore", "critico"],
                 description: { "Risponde alle domande quotidiane su \($0) per tutta la famiglia" }),
        Language(code: "nb", topics: ["reise", "oppskrift", "budsjett", "kontrakt", "symptom", "gitar", "trening", "hage", "historie", "lykt",
                                      "nudler", "regnskap", "poesi", "kamera", "tennis", "kjemi", "robot", "vær", "museum", "sykkel",
                                      "maleri", "astronomi", "språk", "forsikring", "boliglån"],
                 roles: ["planlegger", "trener", "lærer", "hjelper", "guide", "rådgiver", "forfatter", "kritiker"],
                 description: { "Svarer på hverdagslige spørsmål om \($0) for hele familien" }),
        Language(code: "id", topics: ["perjalanan", "resep", "anggaran", "kontrak", "gejala", "gitar", "pelatihan", "kebun", "sejarah", "lentera",
                                      "mie", "pembukuan", "puisi", "kamera", "tenis", "kimia", "robot", "cuaca", "museum", "sepeda",
                                      "lukisan", "astronomi", "bahasa", "asuransi", "hipotek"],
                 roles: ["perencana", "pelatih", "guru", "pembantu", "pemandu", "penasihat", "penulis", "kritikus"],
                 description: { "Menjawab pertanyaan sehari-hari tentang \($0) untuk keluarga anda" }),
        Language(code: "ms", topics: ["pelancongan", "resipi", "belanjawan", "perjanjian", "simptom", "gitar", "latihan", "taman", "sejarah", "tanglung",
                                      "mee", "perakaunan", "sajak", "kamera", "tenis", "kimia", "robot", "cuaca", "muzium", "basikal",
                                      "lukisan", "astronomi", "bahasa", "insurans", "pinjaman"],
                 roles: ["perancang", "jurulatih", "cikgu", "pembantu", "pemandu", "penasihat", "penulis", "pengkritik"],
                 description: { "Menjawab soalan harian tentang \($0) untuk keluarga anda" }),
        Language(code: "ja", topics: ["旅行", "料理", "予算", "契約", "症状", "ギター", "訓練", "庭園", "歴史", "提灯",
                                      "ラーメン", "会計", "詩歌", "カメラ", "テニス", "化学", "ロボット", "天気", "博物館", "自転車",
                                      "絵画", "天文学", "言語", "保険", "住宅ローン"],
                 roles: ["プランナー", "コーチ", "先生", "ヘルパー", "ガイド", "アドバイザー", "作家", "評論家"], unsegmented: true,
                 description: { "\($0)についての日常の質問に答えます" }),
        Language(code: "zhhans", topics: ["旅游", "食谱", "预算", "合同", "症状", "吉他", "训练", "花园", "历史", "灯笼",
                                          "面条", "会计", "诗歌", "相机", "网球", "化学", "机器人", "天气", "博物馆", "自行车",
                                          "绘画", "天文", "语言", "保险", "房贷"],
                 roles: ["规划师", "教练", "老师", "助手", "向导", "顾问", "作家", "评论家"], unsegmented: true,
                 description: { "回答关于\($0)的日常问题" }),
        Language(code: "zhhant", topics: ["旅遊", "食譜", "預算", "合約", "症狀", "吉他", "訓練", "花園", "歷史", "燈籠",
                                          "麵條", "會計", "詩詞", "相機", "網球", "化學", "機器人", "天氣", "博物館", "腳踏車",
                                          "繪畫", "天文", "語言", "保險", "房貸"],
                 roles: ["規劃師", "教練", "老師", "助手", "嚮導", "顧問", "作家", "評論家"], unsegmented: true,
                 description: { "回答關於\($0)的日常問題" }),
        Language(code: "ko", topics: ["여행", "요리", "예산", "계약", "증상", "기타", "훈련", "정원", "역사", "등불",
                                      "국수", "회계", "시집", "카메라", "테니스", "화학", "로봇", "날씨", "박물관", "자전거",
                                      "그림", "천문학", "언어", "보험", "대출"],
                 roles: ["플래너", "코치", "선생님", "도우미", "가이드", "상담사", "작가", "평론가"],
                 description: { "\($0)에 관한 일상적인 질문에 답합니다" }),
        Language(code: "th", topics: ["ท่องเที่ยว", "สูตรอาหาร", "งบประมาณ", "สัญญา", "อาการ", "กีตาร์", "การฝึก", "สวน", "ประวัติศาสตร์", "โคมไฟ",
                                      "ก๋วยเตี๋ยว", "บัญชี", "บทกวี", "กล้อง", "เทนนิส", "เคมี", "หุ่นยนต์", "อากาศ", "พิพิธภัณฑ์", "จักรยาน",
                                      "ภาพวาด", "ดาราศาสตร์", "ภาษา", "ประกัน", "สินเชื่อ"],
                 roles: ["นักวางแผน", "โค้ช", "ครู", "ผู้ช่วย", "ไกด์", "ที่ปรึกษา", "นักเขียน", "นักวิจารณ์"], unsegmented: true,
                 description: { "ตอบคำถามประจำวันเกี่ยวกับ\($0)" }),
        Language(code: "vi", topics: ["du lịch", "nấu ăn", "ngân sách", "hợp đồng", "triệu chứng", "âm nhạc", "luyện tập", "khu vườn", "lịch sử", "đèn lồng",
                                      "phở bò", "kế toán", "thơ ca", "máy ảnh", "quần vợt", "hóa học", "người máy", "thời tiết", "bảo tàng", "xe đạp",
                                      "hội họa", "thiên văn", "ngôn ngữ", "bảo hiểm", "thế chấp"],
                 roles: ["hướng dẫn", "huấn luyện", "giáo viên", "trợ lý", "cố vấn", "nhà văn", "phê bình", "chuyên gia"],
                 description: { "Trả lời câu hỏi hằng ngày về \($0) cho gia đình bạn" }),
    ]

    let bots: [Bot]
    let queries: [Query]

    /// `perLanguage` bots in each language (topic i % 25, role (i / 25) % 8), and 20 queries each.
    init(perLanguage: Int) {
        var bots: [Bot] = []
        for language in Self.languages {
            for index in 0..<perLanguage {
                let topic = language.topics[index % language.topics.count]
                let role = language.roles[(index / language.topics.count) % language.roles.count]
                bots.append(Bot(id: "\(language.code)-\(index)", title: language.title(topic, role), description: language.description(topic)))
            }
        }
        // Titles as search compares them: folded, and as words where words are separated.
        let titles = bots.map { (id: $0.id, text: Self.folded($0.title), words: Self.folded($0.title).split(separator: " ").map(String.init)) }
        /// The bots whose title holds `target`: as whole words, or anywhere for text written without spaces.
        func holding(_ target: String, unsegmented: Bool) -> Set<String> {
            let folded = Self.folded(target)
            if unsegmented { return Set(titles.filter { $0.text.contains(folded) }.map(\.id)) }
            let words = folded.split(separator: " ").map(String.init)
            return Set(titles.filter { title in
                title.words.count >= words.count && (0...(title.words.count - words.count)).contains { Array(title.words[$0..<($0 + words.count)]) == words }
            }.map(\.id))
        }
        /// The bots with a title in which `prefix` (folded, perhaps of several words) begins a word.
        func beginning(_ prefix: String) -> Set<String> {
            Set(titles.filter { (" " + $0.text).contains(" " + prefix) }.map(\.id))
        }
        var queries: [Query] = []
        for language in Self.languages {
            func add(_ kind: Query.Kind, _ text: String, aimingAt target: String) {
                let aimedAt = holding(target, unsegmented: language.unsegmented)
                let relevant = kind == .prefix ? beginning(Self.folded(text)) : aimedAt
                queries.append(Query(language: language.code, kind: kind, text: text, relevant: relevant, aimedAt: aimedAt))
            }
            for topic in language.topics[0..<8] { add(.word, topic, aimingAt: topic) }
            if language.unsegmented || language.code == "ko" {
                // Pieces of longer runs: a topic inside its titles, then a topic with the start of a role.
                for topic in language.topics[8..<14] { add(.substring, topic, aimingAt: topic) }
                for (offset, topic) in language.topics[14..<20].enumerated() {
                    let role = language.roles[offset % language.roles.count]
                    add(.substring, language.title(topic, role), aimingAt: language.title(topic, role))
                }
            } else {
                for topic in language.topics[8..<14] {
                    let characters = Array(topic)
                    add(.prefix, String(characters.prefix(max(3, (characters.count * 2 + 2) / 3))), aimingAt: topic)
                }
                for topic in language.topics[14..<20] { add(.misspelling, Self.misspelled(topic), aimingAt: topic) }
            }
        }
        self.bots = bots
        self.queries = queries
    }

    /// Two letters inside the word swapped, as a hurried typist does ("guitar" → "giutar").
    static func misspelled(_ word: String) -> String {
        var characters = Array(word)
        guard characters.count >= 4 else { return word }
        characters.swapAt(1, 2)
        return String(characters)
    }

    /// Lower case without accents, as search compares words.
    static func folded(_ text: String) -> String { text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
}
