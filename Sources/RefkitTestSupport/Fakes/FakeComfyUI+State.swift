import FlyingFox
import Foundation
import RefkitCore
import Synchronization

extension FakeComfyUI {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String] = [:]
        var body: [UInt8] = []

        static func json(_ status: Int, _ value: RefkitCore.JSONValue) -> Reply {
            Reply(status: status, headers: ["Content-Type": "application/json"], body: Array(value.serialized.utf8))
        }
    }

    enum Rejection: Sendable {
        case nodeError(nodeID: String, classType: String, details: String)
        case legacy(String)
        case okWithNodeErrors(nodeID: String, classType: String, message: String)
    }

    struct Job: Sendable {
        var id: String
        var number: Int
        var clientID: String
        var workflow: RefkitCore.JSONValue
        var queuedAt: ContinuousClock.Instant
        var polls = 0
        var failure: (message: String, nodeID: String, nodeType: String)?
        var finished = false
        var interrupted = false
        var outputName = ""
    }

    struct State: Sendable {
        var outputImage: [UInt8]
        var calls: [Call] = []
        var inputs: [String: [UInt8]] = [:]
        var uploadOrder: [String] = []
        var outputs: [String: [UInt8]] = [:]
        var jobs: [String: Job] = [:]
        var jobOrder: [String] = []
        var number = 0
        var maxConcurrent = 0
        var jobDuration: Duration = .zero
        var pollsBeforeDone = 0
        var failures: [(String, String, String)] = []
        var rejections: [Rejection] = []
        var statusFailures: [(String, Int)] = []
        var maxUploadBytes = 100 << 20
        /// The node classes queued workflows are checked against (nil: not checked).
        var schema: [String: NodeClass]? = FakeComfyUI.coreNodeSchema
    }
}
