import Logging
import RefkitCore
import RefkitIntake

extension Daemon {
    /// `once`: waits until the watcher has settled everything it saw, every event was handled,
    /// intake has no pairing left waiting and the scheduler nothing left to run. It waits on
    /// what changes those answers (an event handled, a pairing resolved, a stage or publish
    /// ended), not on a timer. A stop (SIGTERM, SIGINT) ends the wait too (the task is
    /// cancelled): files still waiting for their sidecar or image stay in the inbox.
    func waitUntilHandled(_ generation: Generation) async {
        let (intake, scheduler, watcher) = (generation.intake, generation.scheduler, generation.watcher)
        // Subscribed before the first look, so a change between a look and the wait is not missed.
        let (changes, changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let handled = generation.activity.subscribe()
        let intakeSteps = intake.events.subscribe()
        let schedulerSteps = scheduler.activity.subscribe()
        await withDiscardingTaskGroup { group in
            group.addTask { for await _ in handled { changed.yield() } }
            group.addTask {
                for await event in intakeSteps {
                    if case .stepFinished = event { changed.yield() }
                }
            }
            group.addTask { for await _ in schedulerSteps { changed.yield() } }
            var next = changes.makeAsyncIterator()
            var storeErrors = 0
            while !Task.isCancelled {
                let yielded = await watcher.idle()
                while generation.handled.value < yielded {
                    guard await next.next() != nil else { return group.cancelAll() }
                }
                // Intake first: once it is idle (and the watcher, checked again below, saw nothing
                // new) no kit can appear, so the scheduler's answer that follows is final. Asked the
                // other way round, a kit queued between the two answers was missed and `once` stopped
                // with it unmade (seen under load). A store error means "not known yet".
                let intakeIdle = await intake.isIdle
                do {
                    let schedulerIdle = try await scheduler.isIdle
                    storeErrors = 0
                    // Intake moved files; let the watcher confirm nothing new settled meanwhile.
                    if intakeIdle, schedulerIdle, await watcher.idle() == yielded { return group.cancelAll() }
                } catch {
                    // A store that stays unreadable (I/O error, database removed) must not keep
                    // `once` waiting for ever: after ~10 s of failures it stops with what it has.
                    // Nothing announces that the store is readable again, so this one case asks
                    // again after a pause.
                    storeErrors += 1
                    if storeErrors == 1 { logger.warning("cannot read the stage queue", metadata: ["error": "\(error)"]) }
                    if storeErrors >= 200 {
                        logger.error("the stage queue stayed unreadable; stopping", metadata: ["error": "\(error)"])
                        return group.cancelAll()
                    }
                    do { try await Task.sleep(for: .milliseconds(50)) } catch { return group.cancelAll() }
                    continue
                }
                guard await next.next() != nil else { return group.cancelAll() }
            }
            group.cancelAll()
        }
    }
}
