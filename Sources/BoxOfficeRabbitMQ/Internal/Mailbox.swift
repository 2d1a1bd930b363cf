import CRabbitMQ
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Hands commands from any task to the owner thread and wakes it through an eventfd that the
/// owner polls together with the AMQP socket.
final class Mailbox: Sendable {
    private enum Phase {
        case idle
        case running
        case finished
    }

    private struct State {
        var phase: Phase = .idle
        var commands: [Command] = []
        /// True once the eventfd was written and the owner has not taken the commands yet, so a
        /// burst of publishes costs one write.
        var wakePending = false
        var stopRequested = false
        var nextID: UInt64 = 1
    }

    private let state = Mutex(State())
    /// Readable while commands wait.
    let wakeDescriptor: Int32

    init() {
        self.wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(self.wakeDescriptor >= 0, "eventfd failed with errno \(errno)")
    }

    deinit { close(self.wakeDescriptor) }

    /// Marks the connection as running; false when it already ran.
    func start() -> Bool {
        self.state.withLock { state in
            guard state.phase == .idle else { return false }
            state.phase = .running
            return true
        }
    }

    /// Queues a command; false once the owner has finished (the caller answers it).
    func submit(_ command: Command) -> Bool {
        let wake: Bool? = self.state.withLock { state in
            guard state.phase != .finished else { return nil }
            state.commands.append(command)
            if state.wakePending { return false }
            state.wakePending = true
            return true
        }
        guard let wake else { return false }
        if wake { self.wake() }
        return true
    }

    /// Takes every queued command.
    func take() -> [Command] {
        // Clear the eventfd before taking: a submitter that comes after the swap sees
        // `wakePending == false` and writes again, so no command is left without a wake-up.
        var counter: UInt64 = 0
        _ = read(self.wakeDescriptor, &counter, MemoryLayout<UInt64>.size)
        return self.state.withLock { state in
            state.wakePending = false
            var commands: [Command] = []
            swap(&commands, &state.commands)
            return commands
        }
    }

    /// Asks the owner to close the connection and end.
    func requestStop() {
        self.state.withLock { $0.stopRequested = true }
        self.wake()
    }

    var stopRequested: Bool { self.state.withLock { $0.stopRequested } }

    /// Marks the owner as finished; returns the commands that came too late, for the owner to fail.
    func finish() -> [Command] {
        self.state.withLock { state in
            state.phase = .finished
            var commands: [Command] = []
            swap(&commands, &state.commands)
            return commands
        }
    }

    /// A number unique within this connection (consumer ids, subscription ids).
    func makeID() -> UInt64 {
        self.state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(self.wakeDescriptor, &one, MemoryLayout<UInt64>.size)
    }
}
