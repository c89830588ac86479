import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A headless Chromium driven over the W3C WebDriver protocol, for the web UI's browser tests:
/// Debian's `chromedriver` runs as a child process on a free loopback port and this speaks its
/// JSON over HTTP (RefkitHTTP's client). Nothing is downloaded at run time: the browser and the
/// driver are the `chromium` and `chromium-driver` packages (scripts/install-deps.sh).
///
/// ```swift
/// let browser = try await WebDriver.start()
/// try await browser.navigate(to: server.baseURL + "/")
/// let row = try await browser.find("tr[data-kit]")
/// try await browser.waitUntil("the row is done") { try await browser.attribute(row, "data-status") == "complete" }
/// try await browser.screenshot(named: "kits")
/// await browser.quit()
/// ```
public final class WebDriver: Sendable {
    /// An element of the current page, by the driver's reference.
    public struct Element: Sendable, Equatable {
        public let id: String
    }

    /// The W3C key of an element reference in JSON.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"
    public static let chromedriverPath = "/usr/bin/chromedriver"
    public static let chromiumPath = "/usr/bin/chromium"

    let process: ChildProcess
    let client: HTTPClient
    /// `http://127.0.0.1:PORT/session/ID`.
    let session: String

    /// Whether the browser and its driver are installed here; a test without them fails with
    /// `WebDriverError` naming what to install rather than being skipped.
    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: chromedriverPath) && FileManager.default.isExecutableFile(atPath: chromiumPath)
    }

    /// Starts chromedriver and a headless browser session with a window of `width` x `height`.
    /// The driver's log goes to `logFile` when given.
    public static func start(width: Int = 1280, height: Int = 900, logFile: String? = nil) async throws -> WebDriver {
        guard isInstalled else {
            throw WebDriverError("\(chromedriverPath) or \(chromiumPath) is missing: apt-get install chromium chromium-driver")
        }
        let port = try freeLoopbackPort()
        var arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        if let logFile { arguments.append("--log-path=\(logFile)") }
        let process = try ChildProcess(chromedriverPath, arguments, stdout: .discard, stderr: .discard)
        let client = HTTPClient(logger: Logger(label: "webdriver", factory: { _ in SwiftLogNoOpLogHandler() }))
        let base = "http://127.0.0.1:\(port)"
        do {
            // The driver says nothing when it is ready: ask its /status until it answers (bounded).
            try await eventually("chromedriver on port \(port) to be ready", timeout: .seconds(20), interval: .milliseconds(50)) {
                guard let response = try? await client.send(HTTPRequest(url: base + "/status", timeout: .seconds(2))) else {
                    return false
                }
                return (try? JSONValue.parse(response.body))?["value"]?["ready"] == .bool(true)
            }
            let capabilities = JSONValue.object([
                (
                    "capabilities",
                    .object([
                        (
                            "alwaysMatch",
                            .object([
                                ("browserName", .string("chrome")),
                                (
                                    "goog:chromeOptions",
                                    .object([
                                        ("binary", .string(chromiumPath)),
                                        (
                                            "args",
                                            .array(
                                                [
                                                    "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                                                    "--window-size=\(width),\(height)", "--no-first-run", "--disable-extensions",
                                                ].map(JSONValue.string))
                                        ),
                                    ])
                                ),
                            ])
                        )
                    ])
                )
            ])
            let answer = try await call(client, "POST", base + "/session", capabilities)
            guard case .string(let id)? = answer["value"]?["sessionId"] else {
                throw WebDriverError("no session id in \(answer.serialized)")
            }
            var browserPID: Int32?
            if case .number(let pid, _)? = answer["value"]?["capabilities"]?["goog:processID"] { browserPID = Int32(pid) }
            return WebDriver(process: process, client: client, session: base + "/session/" + id, browserPID: browserPID)
        } catch {
            process.killAndReap()
            throw error
        }
    }

    /// The browser's process (chromedriver's child), ended by `quit` if closing the session did not end it.
    let browserPID: Int32?

    init(process: ChildProcess, client: HTTPClient, session: String, browserPID: Int32?) {
        self.process = process
        self.client = client
        self.session = session
        self.browserPID = browserPID
    }

    /// Ends the session (the browser quits) and the driver; safe to call twice.
    public func quit() async {
        // The session's DELETE closes the browser; the driver is killed whatever it answered.
        _ = try? await client.send(HTTPRequest(method: "DELETE", url: session, timeout: .seconds(10)))
        // SIGTERM first: chromedriver ends the browsers it started (its children) on the way out.
        process.kill(SIGTERM)
        let ended = try? await eventually("chromedriver to exit", timeout: .seconds(5), interval: .milliseconds(50)) {
            !self.process.isRunning
        }
        if ended == nil { process.killAndReap() }
        if let browserPID, Glibc.kill(browserPID, 0) == 0 { _ = Glibc.kill(browserPID, SIGKILL) }
        client.shutdown()
    }

    /// Opens `url` and returns when the page has loaded.
    public func navigate(to url: String) async throws {
        _ = try await command("POST", "/url", .object([("url", .string(url))]))
    }

    /// The page's URL now.
    public func currentURL() async throws -> String {
        try await command("GET", "/url").stringValue
    }

    /// The first element matching a CSS selector; throws when there is none.
    public func find(_ css: String) async throws -> Element {
        try Self.element(try await command("POST", "/element", Self.locator(css)))
    }

    /// Every element matching a CSS selector (maybe none).
    public func findAll(_ css: String) async throws -> [Element] {
        guard case .array(let items) = try await command("POST", "/elements", Self.locator(css)) else { return [] }
        return try items.map(Self.element)
    }

    /// Clicks an element (scrolled into view first, as a person would).
    public func click(_ element: Element) async throws {
        _ = try await command("POST", "/element/\(element.id)/click", .object([]))
    }

    /// Types `text` into an element; a file input takes a file's path this way.
    public func sendKeys(_ element: Element, _ text: String) async throws {
        _ = try await command("POST", "/element/\(element.id)/value", .object([("text", .string(text))]))
    }

    /// Presses keys on the page itself (the focused element), for keyboard shortcuts.
    public func pressKeys(_ text: String) async throws {
        let down = text.unicodeScalars.flatMap { key in
            [
                JSONValue.object([("type", .string("keyDown")), ("value", .string(String(key)))]),
                .object([("type", .string("keyUp")), ("value", .string(String(key)))]),
            ]
        }
        let actions = JSONValue.object([
            ("actions", .array([.object([("type", .string("key")), ("id", .string("keyboard")), ("actions", .array(down))])]))
        ])
        _ = try await command("POST", "/actions", actions)
    }

    /// The element's rendered text.
    public func text(_ element: Element) async throws -> String {
        try await command("GET", "/element/\(element.id)/text").stringValue
    }

    /// The element's attribute `name` (`data-status`), or nil when it has none.
    public func attribute(_ element: Element, _ name: String) async throws -> String? {
        let value = try await command("GET", "/element/\(element.id)/attribute/\(name)")
        return value == .null ? nil : value.stringValue
    }

    /// Runs `script` (a function body; `arguments[0]`... are `arguments`) in the page and returns its result.
    @discardableResult
    public func execute(_ script: String, _ arguments: [JSONValue] = []) async throws -> JSONValue {
        try await command("POST", "/execute/sync", .object([("script", .string(script)), ("args", .array(arguments))]))
    }

    /// Re-checks `condition` against the page until it holds, at most `timeout`: the browser
    /// gives no event to await, so polling the DOM is the bounded wait here. A check that throws
    /// (no such element yet, an element the page replaced meanwhile) counts as "not yet"; the
    /// last error is in the timeout's message.
    public func waitUntil(
        _ what: String, timeout: Duration = .seconds(20), _ condition: @escaping () async throws -> Bool
    ) async throws {
        let lastError = Mutex<String?>(nil)
        try await eventually(
            what, timeout: timeout, interval: .milliseconds(100),
            state: { await self.pageState() + (lastError.withLock { $0 }.map { " last error: \($0)" } ?? "") }
        ) {
            do {
                return try await condition()
            } catch {
                lastError.withLock { $0 = "\(error)" }
                return false
            }
        }
    }

    /// The page's URL and the start of its text, for a timeout's message.
    func pageState() async -> String {
        let text = try? await execute(
            "return (document.body ? document.body.innerText.slice(0, 600) : '') + ' images: '"
                + " + [...document.images].map(i => i.src + (i.complete && i.naturalWidth > 0 ? ' loaded' : ' not loaded')).join(', ')"
        ).stringValue
        return "(at \((try? await currentURL()) ?? "?"): \(text ?? "?"))"
    }

    /// Saves a PNG of the window as `name.png` in `screenshotDirectory` and returns its path.
    @discardableResult
    public func screenshot(named name: String) async throws -> String {
        guard case .string(let encoded) = try await command("GET", "/screenshot"), let png = Base64.decode(encoded) else {
            throw WebDriverError("the screenshot was not base64 PNG")
        }
        let directory = Self.screenshotDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name + ".png"
        try Data(png).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Where screenshots go: `$REFKIT_UI_SCREENSHOTS`, else `.build/ui-screenshots` in the working directory.
    public static var screenshotDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["REFKIT_UI_SCREENSHOTS"], !dir.isEmpty { return dir }
        return FileManager.default.currentDirectoryPath + "/.build/ui-screenshots"
    }
}
