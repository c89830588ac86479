import RefkitCivitai
import RefkitConfig
import Testing

@Suite("[civitai] configuration")
struct CivitaiConfigTests {
    static func config(_ civitai: String) -> String {
        """
        state_dir = "state"
        [[watch]]
        name = "w"
        inbox = "in"
        outbox = "out"
        [civitai]
        \(civitai)
        """
    }

    @Test func everyKeyIsReadAndReachesTheSettings() throws {
        let text = Self.config(
            """
            base_url = "http://127.0.0.1:9"
            api_key_env = "MY_CIVITAI"
            api_key_file = "civitai.key"
            limit = 7
            page_size = 100
            max_pages = 3
            period = "Week"
            sort = "Newest"
            nsfw = "Soft"
            model_id = 4201
            username = "someone"
            tags = 5133
            max_rating = "Soft"
            min_width = 768
            min_height = 1024
            max_image_bytes = 1000000
            attempts = 2
            max_retry_wait_s = 10
            timeout_s = 30
            """)
        let configuration = try ConfigurationLoader.parse(text: text, file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
        let c = configuration.civitai
        #expect(c.apiKeyEnv == "MY_CIVITAI" && c.apiKeyFile == "/etc/refkit/civitai.key")
        let s = CivitaiSettings(configuration)
        #expect(s.baseURL == "http://127.0.0.1:9" && s.limit == 7 && s.pageSize == 100 && s.maxPages == 3)
        #expect(s.period == "Week" && s.sort == "Newest" && s.nsfw == "Soft")
        #expect(s.modelID == 4201 && s.username == "someone" && s.tags == "5133")
        #expect(s.maxRating == .soft && s.minWidth == 768 && s.minHeight == 1024 && s.maxImageBytes == 1_000_000)
        #expect(s.attempts == 2 && s.maxRetryWaitSeconds == 10 && s.timeoutSeconds == 30)
        #expect(
            s.imagesURL(cursor: "4|17").hasSuffix(
                "/api/v1/images?limit=100&period=Week&sort=Newest&nsfw=Soft&withMeta=true&modelId=4201&username=someone&tags=5133&cursor=4%7C17"
            ))
    }

    @Test func defaultsAreTheNightlyBatch() throws {
        let configuration = try ConfigurationLoader.parse(text: Self.config(""), file: "/x/refkit.toml", relativeTo: "/x")
        let s = CivitaiSettings(configuration)
        #expect(s.limit == 20 && s.period == "Day" && s.maxRating == .none && s.modelID == nil && s.tags == nil)
        #expect(s.maxImageBytes == configuration.limits.maxSourceBytes)
    }

    @Test(arguments: [
        ("period = \"Daily\"", "civitai.period", "must be one of"),
        ("max_rating = \"R\"", "civitai.max_rating", "must be one of"),
        ("page_size = 500", "civitai.page_size", "between 1 and 200"),
        ("min_width = \"512\"", "civitai.min_width", "must be an integer"),
        ("tags = [1, 2]", "civitai.tags", "tag id"),
        ("base_url = \"ftp://civitai.com\"", "civitai.base_url", "https://"),
        ("since = 3", "civitai.since", "unknown key"),
    ])
    func badValuesNameTheKeyAndLine(line: String, key: String, message: String) throws {
        do {
            _ = try ConfigurationLoader.parse(text: Self.config("limit = 20\n" + line), file: "/x/refkit.toml", relativeTo: "/x")
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.key == key)
            #expect(error.line == 8, "\(error)")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
