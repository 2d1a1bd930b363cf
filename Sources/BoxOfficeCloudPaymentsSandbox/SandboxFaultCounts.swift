/// How many faults the sandbox has injected since it started, by kind (`GET /sandbox/faults`
/// answers them as `Injected`), so a test can assert that a fault run met every kind it asked for.
public struct SandboxFaultCounts: Sendable, Equatable {
    /// API calls delayed by ``SandboxFaults/latencyMilliseconds``.
    public var latencyAdded = 0
    /// API calls answered HTTP 500 unprocessed.
    public var serverErrors = 0
    /// API calls held unprocessed and dropped unanswered.
    public var timeouts = 0
    /// API calls processed whose answer was dropped.
    public var responsesLost = 0
    /// Notifications never sent.
    public var notificationsDropped = 0
    /// Notifications sent twice.
    public var notificationsDuplicated = 0
    /// Notifications held back to go after the next one.
    public var notificationsReordered = 0
    /// Notifications whose first attempt waited ``SandboxFaults/notificationDelayMilliseconds``.
    public var notificationsDelayed = 0
    /// Notifications not sent because ``SandboxConfiguration/notificationsPendingMax`` were
    /// already being delivered (not a configured fault: the sandbox's memory bound).
    public var notificationsDiscarded = 0

    public init() {}
}
