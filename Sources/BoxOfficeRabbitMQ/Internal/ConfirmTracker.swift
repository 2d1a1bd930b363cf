/// Publisher confirms bookkeeping for one confirm-mode channel, as a value type without I/O.
///
/// The broker numbers the messages of a confirm-mode channel 1, 2, 3, … and answers each with
/// `basic.ack` or `basic.nack`, possibly for all numbers up to one (`multiple`). A mandatory
/// message that matches no queue first comes back as `basic.return` (which carries the message's
/// properties, not its number) and is then acked; the tracker remembers the return so the ack
/// resolves that message as unroutable.
struct ConfirmTracker<Token> {
    /// How a published message ended.
    enum Outcome: Equatable {
        case confirmed
        case unroutable
        case nacked
    }

    private struct Entry {
        var messageID: String
        var token: Token
        var returned: Bool
    }

    /// The number the next published message gets.
    private(set) var nextSequence: UInt64 = 1
    private var entries: [UInt64: Entry] = [:]
    /// No entry is numbered below this; lets `multiple` confirms walk only the numbers they cover.
    private var lowestSequence: UInt64 = 1

    /// How many messages wait for their confirm.
    var outstandingCount: Int { self.entries.count }

    /// Records a message about to be published; returns its number.
    mutating func register(messageID: String, token: Token) -> UInt64 {
        let sequence = self.nextSequence
        self.nextSequence += 1
        self.entries[sequence] = Entry(messageID: messageID, token: token, returned: false)
        return sequence
    }

    /// Notes that the broker returned the message with this id; its confirm then resolves as
    /// unroutable. Returns false when no outstanding message has the id.
    mutating func markReturned(messageID: String) -> Bool {
        // Returns arrive in publish order, so the oldest unreturned message with the id is the one.
        var sequence = self.lowestSequence
        while sequence < self.nextSequence {
            if var entry = self.entries[sequence], !entry.returned, entry.messageID == messageID {
                entry.returned = true
                self.entries[sequence] = entry
                return true
            }
            sequence += 1
        }
        return false
    }

    /// Resolves the messages a `basic.ack` covers.
    mutating func ack(deliveryTag: UInt64, multiple: Bool) -> [(Token, Outcome)] {
        self.resolve(deliveryTag: deliveryTag, multiple: multiple) { $0.returned ? .unroutable : .confirmed }
    }

    /// Resolves the messages a `basic.nack` covers.
    mutating func nack(deliveryTag: UInt64, multiple: Bool) -> [(Token, Outcome)] {
        self.resolve(deliveryTag: deliveryTag, multiple: multiple) { _ in .nacked }
    }

    /// Forgets every outstanding message (the channel or connection is gone) and starts numbering
    /// again at 1, as a fresh confirm-mode channel does.
    mutating func reset() -> [Token] {
        let tokens = self.entries.sorted { $0.key < $1.key }.map(\.value.token)
        self = ConfirmTracker()
        return tokens
    }

    private mutating func resolve(
        deliveryTag: UInt64,
        multiple: Bool,
        outcome: (Entry) -> Outcome
    ) -> [(Token, Outcome)] {
        var resolved: [(Token, Outcome)] = []
        if multiple {
            var sequence = self.lowestSequence
            while sequence <= deliveryTag {
                if let entry = self.entries.removeValue(forKey: sequence) {
                    resolved.append((entry.token, outcome(entry)))
                }
                sequence += 1
            }
        } else if let entry = self.entries.removeValue(forKey: deliveryTag) {
            resolved.append((entry.token, outcome(entry)))
        }
        while self.lowestSequence < self.nextSequence && self.entries[self.lowestSequence] == nil {
            self.lowestSequence += 1
        }
        return resolved
    }
}
