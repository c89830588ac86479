import Foundation
import RefkitSystem
import RefkitTestSupport
import Testing

@testable import RefkitService

@Suite(.timeLimit(.minutes(1)))
struct MetricsTextfileWriterTests {
    @Test func writesAtomicallyAndLeavesNoTemporaryFile() throws {
        let folder = try TemporaryDirectory("textfile")
        let metrics = RefkitMetrics()
        metrics.queueDepth.set(5)
        let writer = MetricsTextfileWriter(path: folder.url("refkit.prom"))
        try writer.write(metrics.registry)
        #expect(try String(contentsOfFile: writer.path, encoding: .utf8) == metrics.registry.render())
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["refkit.prom"])
        // node_exporter runs as another user: the file must be readable by it.
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: writer.path)[.posixPermissions] as? Int)
        #expect(mode == 0o644)

        metrics.queueDepth.set(9)
        try writer.write(metrics.registry)
        let text = try String(contentsOfFile: writer.path, encoding: .utf8)
        #expect(text.contains("refkit_queue_depth 9\n"))
        #expect(text == metrics.registry.render())
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["refkit.prom"])
    }

    @Test func aMissingFolderIsAnErrorAndLeavesNothing() throws {
        let folder = try TemporaryDirectory("textfile")
        let writer = MetricsTextfileWriter(path: folder.url("absent/refkit.prom"))
        #expect(throws: SystemCallError.self) { try writer.write("x 1\n") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func runWritesAtOnceAndOnceMoreWhenCancelled() async throws {
        let folder = try TemporaryDirectory("textfile")
        let metrics = RefkitMetrics()
        let writer = MetricsTextfileWriter(path: folder.url("refkit.prom"))
        let running = Task { await writer.run(registry: metrics.registry, every: .seconds(3600)) }
        try await eventually("the first write") { FileManager.default.fileExists(atPath: writer.path) }
        metrics.queueDepth.set(42)
        running.cancel()
        await running.value
        #expect(try String(contentsOfFile: writer.path, encoding: .utf8).contains("refkit_queue_depth 42\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["refkit.prom"])
    }
}
