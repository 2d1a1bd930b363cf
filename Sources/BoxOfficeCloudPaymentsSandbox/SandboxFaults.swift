/// Faults the sandbox injects, per run: set in ``SandboxConfiguration/faults`` or replaced
/// while running with `POST /sandbox/faults` (the same fields as JSON).
///
/// Random faults draw from a generator seeded with ``seed``, so a run is repeatable; scripted
/// faults (``scripted``) hit the next API calls in order, for tests that need one exact fault.
/// Rates are per mille (0–1000) of API calls or notifications.
public struct SandboxFaults: Sendable, Equatable {
    /// One fault on one API call.
    public enum APIFault: String, Sendable, CaseIterable {
        /// Answer HTTP 500 without processing the request.
        case serverError
        /// Hold the request for ``SandboxFaults/hangMilliseconds`` without processing it, then
        /// close the connection without an answer, as a provider timeout does (a client with a
        /// shorter timeout gives up first). HTTP 5xx answers are ``serverError``.
        case timeout
        /// Process the request (the charge happens), then behave as ``timeout``: the answer is lost.
        case responseLost
    }

    /// The seed of the random draws.
    public var seed: UInt64
    /// Delay added before every API answer.
    public var latencyMilliseconds: Int64
    /// Faults for the next API calls, one per call, in order.
    public var scripted: [APIFault]
    /// Share of API calls answered HTTP 500 unprocessed.
    public var serverErrorPerMille: Int
    /// Share of API calls held unprocessed (timeout).
    public var timeoutPerMille: Int
    /// Share of API calls processed whose answer is lost.
    public var responseLostPerMille: Int
    /// How long a timed-out or lost request is held before its connection is closed unanswered.
    public var hangMilliseconds: Int64
    /// Share of notifications sent twice.
    public var notificationDuplicatePerMille: Int
    /// Share of notifications never sent.
    public var notificationDropPerMille: Int
    /// Delay before every notification's first attempt.
    public var notificationDelayMilliseconds: Int64
    /// Share of notifications held back and sent after the next one (reordering).
    public var notificationReorderPerMille: Int

    /// No faults unless given.
    public init(
        seed: UInt64 = 1,
        latencyMilliseconds: Int64 = 0,
        scripted: [APIFault] = [],
        serverErrorPerMille: Int = 0,
        timeoutPerMille: Int = 0,
        responseLostPerMille: Int = 0,
        hangMilliseconds: Int64 = 60_000,
        notificationDuplicatePerMille: Int = 0,
        notificationDropPerMille: Int = 0,
        notificationDelayMilliseconds: Int64 = 0,
        notificationReorderPerMille: Int = 0
    ) {
        self.seed = seed
        self.latencyMilliseconds = latencyMilliseconds
        self.scripted = scripted
        self.serverErrorPerMille = serverErrorPerMille
        self.timeoutPerMille = timeoutPerMille
        self.responseLostPerMille = responseLostPerMille
        self.hangMilliseconds = hangMilliseconds
        self.notificationDuplicatePerMille = notificationDuplicatePerMille
        self.notificationDropPerMille = notificationDropPerMille
        self.notificationDelayMilliseconds = notificationDelayMilliseconds
        self.notificationReorderPerMille = notificationReorderPerMille
    }
}
