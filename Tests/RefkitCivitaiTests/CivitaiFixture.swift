import Foundation
import Logging
import RefkitCivitai
import RefkitCore
import RefkitHTTP
import RefkitStore
import RefkitTestSupport
import Synchronization

/// A state database, an inbox and a client against a fake, for one test.
struct CivitaiFixture {
    let directory: TemporaryDirectory
    let database: RefkitDatabase
    let inbox: String
    let log = CapturedLog()
    let http: HTTPClient

    init() throws {
        directory = try TemporaryDirectory("civitai")
        inbox = try directory.folder("inbox")
        _ = try directory.folder("state")
        database = try RefkitDatabase(path: directory.url("state/refkit.sqlite"))
        http = HTTPClient(logger: Logger(label: "refkit.test.http", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    var stateDirectory: String { directory.url("state") }

    func settings(_ fake: FakeCivitai, limit: Int = 20, pageSize: Int = 4) -> CivitaiSettings {
        CivitaiSettings(
            baseURL: fake.baseURL, limit: limit, pageSize: pageSize, maxPages: 20, minWidth: 512, minHeight: 512, maxImageBytes: 400_000)
    }

    func run(_ fake: FakeCivitai, settings: CivitaiSettings, token: String? = nil) async throws -> CivitaiRunReport {
        var httpLogger = log.logger
        httpLogger.logLevel = .trace
        let client = CivitaiClient(http: HTTPClient(logger: httpLogger), settings: settings, token: token, logger: log.logger)
        let ingest = CivitaiIngest(
            client: client, database: database, settings: settings, inbox: inbox, stateDirectory: stateDirectory, logger: log.logger)
        return try await ingest.run()
    }

    /// Files in the inbox, sorted (dot files included: none may be left behind).
    var inboxNames: [String] { FileFixtures.names(in: inbox).sorted() }
}

enum Images {
    /// A distinct JPEG per seed, big enough for the 512 x 512 minimum.
    static func jpeg(_ seed: UInt64, width: Int = 640, height: Int = 800) throws -> [UInt8] {
        try ImageFixtures.jpeg(seed: seed, width: width, height: height)
    }
}
