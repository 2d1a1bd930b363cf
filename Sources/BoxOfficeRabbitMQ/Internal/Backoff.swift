/// Pauses between reconnection attempts: doubling from a minimum up to a maximum, each drawn at
/// random from its upper half so that many clients do not reconnect in lockstep.
struct Backoff {
    let minimum: Duration
    let maximum: Duration
    private var ceiling: Duration

    init(minimum: Duration, maximum: Duration) {
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
        self.ceiling = minimum
    }

    /// The pause before the next attempt.
    mutating func next<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Duration {
        let ceiling = self.ceiling
        self.ceiling = min(self.maximum, ceiling * 2)
        let fraction = Double.random(in: 0.5...1.0, using: &generator)
        return max(self.minimum, ceiling * fraction)
    }

    /// The pause before the next attempt, with the system random generator.
    mutating func next() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return self.next(using: &generator)
    }

    /// Starts over from the minimum, after a connection succeeded.
    mutating func reset() { self.ceiling = self.minimum }
}
