/// Starts watching for changes another process makes to the database (a `refkit select`,
/// `regenerate`, `retry` or `delete`), calling `onChange` for each, and returns what stops the
/// watch. The composition chooses how it watches; the scheduler only asks while it runs.
public typealias DatabaseChangeFeed = @Sendable (_ onChange: @escaping @Sendable () -> Void) -> @Sendable () -> Void
