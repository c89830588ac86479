import Foundation
import RefkitCore
import RefkitStore
import RefkitSystem

extension Daemon {
    /// Every `[daemon] database_check_s`: the database path still names the file opened at
    /// start-up, and that file passes `PRAGMA quick_check`. A database deleted, replaced or
    /// damaged under the daemon stops it (`run` throws `database_lost` / `database_damaged`, the
    /// CLI exits 74): going on would write kits into a file nobody will read again.
    func guardDatabase() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(configuration.daemon.databaseCheckSeconds)) } catch { return }
            guard let problem = databaseProblem() else { continue }
            logger.critical(
                "the state database vanished or is damaged; stopping",
                metadata: ["code": "\(problem.code)", "reason": "\(problem.message)", "detail": "\(problem.detail)"])
            lostDatabase.withLock { $0 = problem }
            shutdown()
            return
        }
    }

    /// What is wrong with the database now, if anything.
    func databaseProblem() -> RefkitError? {
        let now = InodeIdentity(path: database.path)
        guard let now, now == databaseIdentity else {
            return RefkitError(
                .databaseLost, now == nil ? "the state database was deleted" : "the state database was replaced by another file",
                detail: "\(database.path) is no longer the file opened at start-up")
        }
        do { try database.checkSound() } catch { return error }
        return nil
    }
}
