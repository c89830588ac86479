import Foundation

/// The one thread all text is rendered on. libvips 8.14 renders text with Pango's per-thread
/// default font map: every thread that renders text builds its own font map (and a fontconfig
/// init thread), which is torn down when that thread exits — and with Swift's changing worker
/// threads that raced into SIGFPE crashes in glib (libvips issue 3660). One long-lived thread
/// means one font map, made once and never torn down. Not only the text: every image that
/// holds text (a vips_text result keeps its Pango layout until it is freed) is composed,
/// encoded and freed here, so no Pango object is touched by two threads.
final class TextThread: @unchecked Sendable {
    static let shared = TextThread()

    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var thread: Thread?

    private init() {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "refkit-text"
        self.thread = thread
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Runs `body` on the text thread and waits for it (text rendering takes milliseconds).
    func run<T>(_ body: @escaping () -> T) -> T {
        if Thread.current == thread { return body() }
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        condition.lock()
        jobs.append {
            box.value = body()
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        return box.value!
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }
}
