import FlyingFox
import Foundation
import RefkitCore
import Synchronization

// FlyingFox has a JSONValue of its own, hence RefkitCore.JSONValue throughout.

/// A ComfyUI server on 127.0.0.1 speaking the real HTTP protocol (see providers.md §4):
/// `POST /upload/image` (multipart; stored under the returned name, `name (1).ext` on a clash
/// without `overwrite`), `POST /prompt` (validated: 400 in the object form, or the legacy
/// string form when scripted), `GET /history/{id}` (`{}` until the job is done, then its
/// outputs or an `execution_error`), `GET /view` (uploads and outputs), `GET /system_stats`,
/// `GET|POST /queue`, `POST /interrupt`, `GET /prompt`. Every route also answers under `/api`.
/// A job is done once it has been polled more than `pollsBeforeDone` times and `jobDuration`
/// has passed since it was queued. Every request is recorded.
public final class FakeComfyUI: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    public let port: UInt16
    private let core: Core
    private let loopback: Loopback

    private init(core: Core, loopback: Loopback) {
        self.core = core
        self.loopback = loopback
        self.baseURL = loopback.baseURL
        self.port = loopback.port
    }

    /// Starts a fake on `port` (0: the OS picks one; pass a stopped fake's port to bring it back).
    public static func start(port: UInt16 = 0, outputImage: [UInt8]? = nil) async throws -> FakeComfyUI {
        let image = try outputImage ?? ImageFixtures.png(seed: 9, width: 48, height: 48)
        let core = Core(outputImage: image)
        let loopback = try await Loopback.start(port: port) { call in core.handle(call) }
        return FakeComfyUI(core: core, loopback: loopback)
    }

    /// Stops listening: connections to the port are refused from now on.
    public func stop() async { await loopback.stop() }

    // MARK: Scripting

    /// Wall time a queued job takes before `/history` shows it finished.
    public func setJobDuration(_ duration: Duration) { core.state.withLock { $0.jobDuration = duration } }

    /// How many `/history/{id}` polls of a job answer `{}` before it is shown finished.
    public func setPollsBeforeDone(_ polls: Int) { core.state.withLock { $0.pollsBeforeDone = polls } }

    /// The next queued job fails while running with this exception message.
    public func failNextJob(_ exceptionMessage: String, nodeID: String = "25", nodeType: String = "KSampler") {
        core.state.withLock { $0.failures.append((exceptionMessage, nodeID, nodeType)) }
    }

    /// The next `POST /prompt` is refused with a node error (`value_not_in_list` on `nodeID`).
    public func rejectNextPrompt(
        nodeID: String = "4", classType: String = "CheckpointLoaderSimple", details: String = "ckpt_name: 'missing.safetensors' not in []"
    ) {
        core.state.withLock { $0.rejections.append(.nodeError(nodeID: nodeID, classType: classType, details: details)) }
    }

    /// The next `POST /prompt` is refused in the older form `{"error":"…","node_errors":[]}`.
    public func rejectNextPromptLegacy(_ message: String = "no prompt") {
        core.state.withLock { $0.rejections.append(.legacy(message)) }
    }

    /// The next `POST /prompt` answers 200 with `node_errors` filled in (builds that queue the
    /// valid outputs and report the rest).
    public func reportNodeErrorsOnNextPrompt(
        nodeID: String = "6", classType: String = "CLIPTextEncode", message: String = "Required input is missing"
    ) {
        core.state.withLock { $0.rejections.append(.okWithNodeErrors(nodeID: nodeID, classType: classType, message: message)) }
    }

    /// The next `count` requests to `path` (e.g. `/history`) answer with this status.
    public func failNext(_ path: String, status: Int, count: Int = 1) {
        core.state.withLock { $0.statusFailures.append(contentsOf: Array(repeating: (path, status), count: count)) }
    }

    /// Uploads larger than this are refused with 413.
    public func setMaxUploadBytes(_ bytes: Int) { core.state.withLock { $0.maxUploadBytes = bytes } }

    /// Checks workflows queued from now on against `schema` (default: `coreNodeSchema`; nil:
    /// queues any class and inputs), refusing what fails as ComfyUI does.
    public func setNodeSchema(_ schema: [String: NodeClass]?) { core.state.withLock { $0.schema = schema } }

    /// The bytes every finished job saves as its output.
    public func setOutputImage(_ bytes: [UInt8]) { core.state.withLock { $0.outputImage = bytes } }

    // MARK: Observations

    /// Every request received, in order.
    public var calls: [Call] { core.state.withLock { $0.calls } }

    /// Requests whose path (without `/api`) starts with `prefix`.
    public func calls(_ prefix: String) -> [Call] { calls.filter { $0.path.hasPrefix(prefix) } }

    /// Uploaded files by stored name.
    public var uploads: [String: [UInt8]] { core.state.withLock { $0.inputs } }

    /// The stored names of uploads, in order.
    public var uploadNames: [String] { core.state.withLock { $0.uploadOrder } }

    /// The workflows queued (accepted by `POST /prompt`), in order.
    public var queuedWorkflows: [RefkitCore.JSONValue] {
        core.state.withLock { state in state.jobOrder.compactMap { state.jobs[$0]?.workflow } }
    }

    /// The `client_id`s jobs were queued with, in order.
    public var clientIDs: [String] { core.state.withLock { state in state.jobOrder.compactMap { state.jobs[$0]?.clientID } } }

    /// How often `/history/{id}` was asked about each job.
    public func historyPolls(_ promptID: String) -> Int { core.state.withLock { $0.jobs[promptID]?.polls ?? 0 } }

    /// The prompt ids of queued jobs, in order.
    public var promptIDs: [String] { core.state.withLock { $0.jobOrder } }

    /// The most jobs that were queued and not yet finished at the same time.
    public var maxConcurrentJobs: Int { core.state.withLock { $0.maxConcurrent } }

    /// One request as received.
    public struct Call: Sendable {
        public var method: String
        /// Without a leading `/api`.
        public var path: String
        public var query: [String: String]
        /// Names lowercased.
        public var headers: [String: String]
        public var body: [UInt8]
        public var json: RefkitCore.JSONValue? { try? RefkitCore.JSONValue.parse(body) }
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }
}
