import Glibc
import RefkitSystem
import Testing

@Suite("System calls")
struct SystemCallTests {
    @Test("EINTR is retried; any other failure throws the call, its file and errno")
    func systemCalls() throws {
        var calls = 0
        let value = try systemCall("test") { () -> Int32 in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        #expect(value == 7 && calls == 3)
        #expect(throws: SystemCallError("open", path: "/nonexistent/refkit", errno: ENOENT)) {
            try systemCall("open", path: "/nonexistent/refkit") { open("/nonexistent/refkit", O_RDONLY) }
        }
    }

    @Test("the error reads as the call, its file, strerror's text and the errno")
    func description() {
        let error = SystemCallError("rename", path: "/state/work/k1/source.jpg", errno: ENOSPC)
        #expect(error.description == "rename /state/work/k1/source.jpg failed: No space left on device (errno 28)")
        #expect(
            SystemCallError("sendto NOTIFY_SOCKET", errno: ECONNREFUSED).description
                == "sendto NOTIFY_SOCKET failed: Connection refused (errno 111)")
        #expect(error.errno.rawValue == ENOSPC && error.reason == "No space left on device")
    }

    @Test("only -1 is a failure: a call returning another negative value is not retried or thrown")
    func onlyMinusOneFails() throws {
        var calls = 0
        let value = try systemCall("test") { () -> Int in
            calls += 1
            return -2
        }
        #expect(value == -2 && calls == 1)
    }
}
