import Foundation
import Glibc
import RefkitSystem
import RefkitTestSupport
import Testing

@Suite("Inotify owner", .timeLimit(.minutes(1)))
struct InotifyTests {
    @Test("inotify event buffers parse, with NUL-padded names and nameless events")
    func parseEvents() {
        var bytes: [UInt8] = []
        func append(watch: Int32, mask: InotifyMask, cookie: UInt32, name: String, padTo: Int) {
            withUnsafeBytes(of: watch.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: mask.rawValue.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: cookie.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: UInt32(padTo).littleEndian) { bytes += $0 }
            var name = Array(name.utf8)
            name += [UInt8](repeating: 0, count: padTo - name.count)
            bytes += name
        }
        append(watch: 3, mask: [.movedTo], cookie: 77, name: "mira.jpg", padTo: 16)
        append(watch: -1, mask: .queueOverflow, cookie: 0, name: "", padTo: 0)
        append(watch: 4, mask: [.create, .isDirectory], cookie: 0, name: "sub", padTo: 16)
        bytes += [1, 2, 3]  // a truncated record is dropped
        let events = bytes.withUnsafeBytes { InotifyEvent.parse($0) }
        #expect(
            events == [
                InotifyEvent(watch: 3, mask: .movedTo, cookie: 77, name: Array("mira.jpg".utf8)),
                InotifyEvent(watch: -1, mask: .queueOverflow, cookie: 0, name: []),
                InotifyEvent(watch: 4, mask: [.create, .isDirectory], cookie: 0, name: Array("sub".utf8)),
            ])
        #expect(InotifyMask([.create, .isDirectory]).description == "CREATE|ISDIR")
        #expect(InotifyEvent.headerSize == MemoryLayout<inotify_event>.size)
    }

    @Test("a file created in a watched folder is an event with its name")
    func createdFile() throws {
        let dir = try TemporaryDirectory("inotify")
        let inotify = try Inotify()
        let watch = try inotify.addWatch(path: dir.path, mask: [.create, .closeWrite])
        try FileFixtures.write(Array("x".utf8), to: "\(dir.path)/mira.jpg")
        let ready = try inotify.wait(includeEvents: true, timeoutMilliseconds: 10_000)
        #expect(ready == Inotify.Readiness(events: true, woken: false))
        let events = try inotify.readEvents()
        #expect(events.contains(InotifyEvent(watch: watch, mask: .create, cookie: 0, name: Array("mira.jpg".utf8))))
        #expect(events.contains { $0.mask.contains(.closeWrite) && $0.name == Array("mira.jpg".utf8) })
        #expect(try inotify.readEvents().isEmpty, "nothing more is queued")
    }

    @Test("wake() from another thread ends a wait without limit")
    func wake() async throws {
        let inotify = try Inotify()
        async let ready = Task.detached { try inotify.wait(includeEvents: true, timeoutMilliseconds: -1) }.value
        inotify.wake()
        #expect(try await ready == Inotify.Readiness(events: false, woken: true))
        inotify.drainWakeups()
        #expect(try inotify.wait(includeEvents: true, timeoutMilliseconds: 0) == Inotify.Readiness(events: false, woken: false))
    }

    @Test("a watch on a missing folder throws the call, the path and ENOENT")
    func missingFolder() throws {
        let inotify = try Inotify()
        #expect(throws: SystemCallError("inotify_add_watch", path: "/nonexistent/refkit", errno: ENOENT)) {
            try inotify.addWatch(path: "/nonexistent/refkit", mask: .create)
        }
    }
}
