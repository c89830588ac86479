import Foundation
import Logging
import RefkitConfig
import RefkitStore
import RefkitWeb

#if canImport(Glibc)
import Glibc
#endif

// `--web`: the web server over the same store. Times the API's list and the list page over real
// HTTP on loopback (a blocking client in this process, one connection per request as a browser's
// first visit), then what 50 event-stream clients (curl processes, so their own CPU is not counted)
// add to this process's CPU and memory while events are written as a working daemon writes them.

/// One GET on a fresh connection; the whole answer's bytes.
func get(port: UInt16, _ path: String, token: String) -> [UInt8] {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let got = recv(fd, &buffer, buffer.count, 0)
        guard got > 0 else { break }
        answer += buffer[..<got]
    }
    return answer
}

/// This process's CPU seconds (user + system) so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Resident memory in MiB (VmRSS).
func residentMiB() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

func webBench(database: RefkitDatabase, folder: String, clients: Int, seconds: Int, eventsPerSecond: Int) async throws {
    let text = """
        state_dir = "\(folder)"
        [providers.preview]
        kind = "preview"
        [[watch]]
        name = "manual"
        inbox = "\(folder)-io/inbox"
        outbox = "\(folder)-io/outbox"
        [web]
        listen = "127.0.0.1:0"
        """
    // The state directory is the database's folder: the event feed wakes on its files changing.
    var configuration = try ConfigurationLoader.parse(text: text, file: "\(folder)/bench.toml", relativeTo: folder)
    configuration.web.listen = ListenAddress(host: "127.0.0.1", port: 0)
    let fixed = configuration
    let memoryBefore = residentMiB()
    let server = try WebServer(configuration: fixed, current: { fixed }, database: database, daemonPID: nil, logger: Logger(label: "bench"))
    let serving = Task { await server.run() }
    let port = server.http.port
    let token = try WebToken.load(at: fixed.web.tokenFile)!.value
    try time("HTTP GET /api/v1/kits (first 50)", unit: "bytes") { get(port: port, "/api/v1/kits", token: token).count }
    try time("HTTP GET /api/v1/kits?status=partial", unit: "bytes") { get(port: port, "/api/v1/kits?status=partial", token: token).count }
    try time("HTTP GET / (list page, first 50)", unit: "bytes") { get(port: port, "/", token: token).count }
    let memoryServing = residentMiB()

    // The same stream of events with no clients, then with `clients` of them.
    func work(_ label: String) async throws -> Double {
        let start = cpuSeconds()
        let began = ContinuousClock.now
        for second in 0..<seconds {
            for i in 0..<eventsPerSecond {
                try database.appendEvent(
                    kitID: String(format: "k%08d", (second * eventsPerSecond + i) % 1000 + 1), type: "stage_done", message: "bench")
                try await Task.sleep(for: .milliseconds(1000 / eventsPerSecond))
            }
        }
        let wall = ContinuousClock.now - began
        let cpu = cpuSeconds() - start
        let share = cpu / (Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18) * 100
        print(
            label.padding(toLength: 40, withPad: " ", startingAt: 0)
                + String(format: " CPU %.2f s over the run = %.2f%% of a core", cpu, share)
        )
        return share
    }
    let alone = try await work("events, no stream clients")
    var curls: [Process] = []
    let sample = "\(folder)/stream-0.txt"
    for index in 0..<clients {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = [
            "-sN", "--noproxy", "*", "-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(port)/api/v1/events", "-o",
            index == 0 ? sample : "/dev/null",
        ]
        try curl.run()
        curls.append(curl)
    }
    while server.app.feedSubscribers < clients { try await Task.sleep(for: .milliseconds(50)) }
    let watched = try await work("events, \(clients) stream clients")
    let memoryClients = residentMiB()
    print(String(format: "%d stream clients add %.2f%% of a core", clients, watched - alone))
    let received = ((try? String(contentsOfFile: sample, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.hasPrefix("id: ") }
    print("one client received \(received.count) events of the \(seconds * eventsPerSecond) written while it listened")
    print(
        String(
            format: "resident memory: %.1f MiB before the web server, %.1f MiB serving (+%.1f), %.1f MiB with %d clients (+%.1f)",
            memoryBefore, memoryServing, memoryServing - memoryBefore, memoryClients, clients, memoryClients - memoryBefore))
    for curl in curls { curl.terminate() }
    server.shutdown()
    serving.cancel()
    await serving.value
    try? FileManager.default.removeItem(atPath: "\(folder)-io")
}
