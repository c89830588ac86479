import CCurl
import Foundation
import Synchronization

/// The one thread that drives every transfer through a curl multi handle.
///
/// Callers hand transfers over through `inbox` (a mutex-protected queue) and wake the thread
/// with `curl_multi_wakeup`; when idle the thread sleeps in `curl_multi_poll`. Everything else
/// (the multi handle, the active transfers) is touched only by that thread.
final class TransferDriver: Sendable {
    private struct Inbox {
        var queued: [Transfer] = []
        var cancelled: Set<UInt64> = []
        var stopping = false
        /// Set by the thread once the multi handle is gone: no more wake-ups.
        var finished = false
    }

    private let multi: MultiHandle
    private let inbox = Mutex(Inbox())
    private let exited = DispatchSemaphore(value: 0)
    private let maxActive: Int
    private let nextID = Atomic<UInt64>(1)
    /// For tests: threads started, and the threads that completed transfers.
    let threadsStarted = Atomic<Int>(0)
    let completingThreads = Mutex<Set<UInt>>([])

    private static let idlePollMilliseconds: Int32 = 60_000

    init(maxActive: Int) {
        _ = curlGlobalInit
        self.maxActive = max(1, maxActive)
        self.multi = MultiHandle()
        let thread = Thread { [self] in self.run() }
        thread.name = "refkit-http"
        thread.start()
    }

    func makeID() -> UInt64 { nextID.add(1, ordering: .relaxed).oldValue }

    /// Runs one transfer to completion (or cancellation) on the driver thread.
    func perform(_ transfer: Transfer) async -> Result<TransferOutcome, HTTPError> {
        let id = transfer.id
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let rejected: HTTPError? = inbox.withLock { inbox in
                    if inbox.stopping { return HTTPError.cancelled("the HTTP client was shut down") }
                    if Task.isCancelled { return HTTPError.cancelled() }
                    transfer.continuation = continuation
                    inbox.queued.append(transfer)
                    curl_multi_wakeup(multi.pointer)
                    return nil
                }
                if let rejected { continuation.resume(returning: .failure(rejected)) }
            }
        } onCancel: {
            let stillQueued: Transfer? = inbox.withLock { inbox in
                if let index = inbox.queued.firstIndex(where: { $0.id == id }) {
                    return inbox.queued.remove(at: index)
                }
                guard !inbox.finished else { return nil }
                inbox.cancelled.insert(id)
                curl_multi_wakeup(multi.pointer)
                return nil
            }
            if let stillQueued { stillQueued.resume(.failure(.cancelled())) }
        }
    }

    /// Fails every transfer, stops the thread and waits for it to exit. Idempotent.
    func shutdown() {
        requestStop()
        // Every caller waits for the exit, then passes the signal on to the next one.
        exited.wait()
        exited.signal()
    }

    /// Asks the thread to fail every transfer and exit, without waiting for it: what `deinit`
    /// uses, since it may run on a Swift concurrency thread that must never block.
    func requestStop() {
        inbox.withLock { inbox in
            guard !inbox.stopping else { return }
            inbox.stopping = true
            if !inbox.finished { curl_multi_wakeup(multi.pointer) }
        }
    }

    // MARK: The driver thread

    private func run() {
        threadsStarted.add(1, ordering: .relaxed)
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        var waiting: [Transfer] = []
        waiting.reserveCapacity(64)

        while true {
            let (arrived, cancelled, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.queued.removeAll()
                    inbox.cancelled.removeAll()
                }
                return (inbox.queued, inbox.cancelled, inbox.stopping)
            }
            waiting.append(contentsOf: arrived)

            if !cancelled.isEmpty {
                waiting.removeAll { transfer in
                    guard cancelled.contains(transfer.id) else { return false }
                    transfer.resume(.failure(.cancelled()))
                    return true
                }
                for (easy, transfer) in active where cancelled.contains(transfer.id) {
                    curl_multi_remove_handle(multi.pointer, easy)
                    active[easy] = nil
                    transfer.gate?.leave()
                    transfer.resume(.failure(.cancelled()))
                }
            }
            if stopping { break }

            // Start what may start, first come first served within each gate: a transfer whose
            // gate is full waits without holding back transfers of other groups.
            var index = 0
            while active.count < maxActive, index < waiting.count {
                let transfer = waiting[index]
                if let gate = transfer.gate, !gate.tryEnter() {
                    index += 1
                    continue
                }
                waiting.remove(at: index)
                let code = curl_multi_add_handle(multi.pointer, transfer.easy)
                if code == CURLM_OK {
                    transfer.startedAt = .now
                    active[transfer.easy] = transfer
                } else {
                    transfer.gate?.leave()
                    transfer.resume(
                        .failure(
                            HTTPError(
                                code: "http_failed", message: "curl_multi_add_handle failed",
                                detail: String(cString: curl_multi_strerror(code)), retryable: false)))
                }
            }

            var running: Int32 = 0
            curl_multi_perform(multi.pointer, &running)
            var remaining: Int32 = 0
            var ended = false
            while let message = curl_multi_info_read(multi.pointer, &remaining) {
                guard refkit_curl_msg_is_done(message) != 0, let easy = refkit_curl_msg_easy_handle(message),
                    let transfer = active.removeValue(forKey: easy)
                else { continue }
                let code = refkit_curl_msg_result(message)
                curl_multi_remove_handle(multi.pointer, easy)
                // The place is free before the finished request's task runs again.
                transfer.gate?.leave()
                ended = true
                completingThreads.withLock { _ = $0.insert(UInt(pthread_self())) }
                transfer.resume(code == CURLE_OK ? .success(transfer.outcome()) : .failure(.from(code, transfer: transfer)))
            }
            // A finished transfer frees a place: start the next before sleeping.
            if ended, !waiting.isEmpty { continue }

            // Sleeps until a socket is ready, curl's next timeout, or a wake-up.
            if curl_multi_poll(multi.pointer, nil, 0, Self.idlePollMilliseconds, nil) != CURLM_OK {
                // Never spin if polling itself fails (it should not): back off briefly.
                usleep(10_000)
            }
        }

        let shutDown = HTTPError.cancelled("the HTTP client was shut down")
        for (easy, transfer) in active {
            curl_multi_remove_handle(multi.pointer, easy)
            transfer.gate?.leave()
            transfer.resume(.failure(shutDown))
        }
        for transfer in waiting { transfer.resume(.failure(shutDown)) }
        let late = inbox.withLock { inbox in
            inbox.finished = true
            defer { inbox.queued.removeAll() }
            return inbox.queued
        }
        for transfer in late { transfer.resume(.failure(shutDown)) }
        multi.cleanup()
        exited.signal()
    }
}

extension Transfer {
    /// Resumes the waiting task once; later calls do nothing.
    func resume(_ result: Result<TransferOutcome, HTTPError>) {
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(returning: result)
    }
}

/// The CURLM* handle; used only by the driver thread, except `curl_multi_wakeup` (thread-safe).
private final class MultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    private var cleanedUp = false

    init() {
        guard let pointer = curl_multi_init() else { fatalError("curl_multi_init failed") }
        self.pointer = pointer
    }

    func cleanup() {
        guard !cleanedUp else { return }
        cleanedUp = true
        curl_multi_cleanup(pointer)
    }
}

/// curl_global_init is not thread-safe: a global's lazy initialiser runs exactly once.
let curlGlobalInit: CURLcode = refkit_curl_global_init_all()
