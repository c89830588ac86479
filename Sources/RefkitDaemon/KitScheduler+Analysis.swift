import RefkitCore
import RefkitProviders
import RefkitStore

extension KitScheduler {
    /// The analyzer's description of the kit's source: made once per kit and kept in the store.
    /// Stages that need it while it is being made (a kit's candidates start together) wait for
    /// that one call rather than each paying for their own.
    nonisolated func analysis(of kit: KitRecord, source: ReferenceImage) async throws -> JSONValue {
        if let json = Self.storedAnalysis(kit) { return json }
        return try await analyses.run(kit.id) { [self] in
            // A call that ended after `kit` was read has stored its answer.
            if let fresh = try database.kit(kit.id), let json = Self.storedAnalysis(fresh) { return json }
            return try await describe(kit, source: source)
        }
    }

    static func storedAnalysis(_ kit: KitRecord) -> JSONValue? {
        kit.analysis.flatMap { try? JSONValue.parse($0) }
    }
}
