import AsyncHTTPClient
import BoxOfficeCrypto
import FoundationEssentials
import NIOCore
import NIOHTTP1
import Synchronization

/// Sends the provider's notifications: form-encoded as the provider encodes them, signed with
/// both HMAC headers, retried on the provider's schedule; Check is asked once and its answer
/// decides the payment.
final class Notifier: Sendable {
    /// One notification ready to send.
    struct Delivery: Sendable {
        var type: SandboxNotificationType
        var url: String
        var body: [UInt8]
        var secret: String
        var role: Role = .plain
        /// Order of queueing: a held notification is released only by one queued after it.
        var sequence = 0
        /// The injected wait before the first attempt.
        var delayMilliseconds: Int64 = 0

        enum Role: Sendable {
            case plain
            /// After its first attempt, the notification held back for reordering follows it.
            case releasesHeld
            /// Not a notification: sends the held one if nothing released it in time.
            case holdTimer
        }
    }

    /// Gaps between attempts, in "minutes" of the schedule; the last repeats until the attempt cap.
    static let retryGapsMinutes: [Int64] = [1, 2, 5, 10, 30]
    /// A notification answer larger than this is read as a bad reply.
    static let answerBytesMax = 64 * 1024
    /// How long a notification held back for reordering waits for the next one before it is sent anyway.
    static let reorderHoldMilliseconds: Int64 = 5_000

    private let configuration: SandboxConfiguration
    private let state: SandboxState
    private let client: HTTPClient
    private let queue: AsyncStream<Delivery>
    private let queueInput: AsyncStream<Delivery>.Continuation
    private let held = Mutex<Delivery?>(nil)
    private let queued = Mutex<Int>(0)
    /// Notifications queued or being delivered (hold timers not counted); at most
    /// ``SandboxConfiguration/notificationsPendingMax``.
    private let pending = Atomic<Int>(0)

    init(configuration: SandboxConfiguration, state: SandboxState, client: HTTPClient) {
        self.configuration = configuration
        self.state = state
        self.client = client
        (self.queue, self.queueInput) = AsyncStream.makeStream(of: Delivery.self)
    }

    /// Delivers queued notifications until cancelled; each delivery retries on its own.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await delivery in queue {
                group.addTask { await self.deliver(delivery) }
            }
        }
    }

    func finish() { queueInput.finish() }

    /// Asks the Check URL, if the terminal has one; true means the payment may go ahead.
    func check(_ transaction: Transaction) async -> Bool {
        guard let terminal = self.terminal(transaction.publicID),
            let url = terminal.notificationURLs[.check]
        else { return true }
        let body = Array(FormEncoding.encode(Self.fields(.check, transaction)).utf8)
        let delivery = Delivery(type: .check, url: url, body: body, secret: terminal.apiSecret)
        return await self.attempt(delivery)
    }

    /// Queues a notification for `transaction`, subject to the notification faults.
    func notify(_ type: SandboxNotificationType, _ transaction: Transaction, payment: Transaction? = nil) async {
        guard let terminal = self.terminal(transaction.publicID), let url = terminal.notificationURLs[type] else {
            return
        }
        let body = Array(FormEncoding.encode(Self.fields(type, transaction, payment: payment)).utf8)
        var delivery = Delivery(type: type, url: url, body: body, secret: terminal.apiSecret)
        delivery.sequence = queued.withLock { count in
            count += 1
            return count
        }
        let (drop, duplicate, reorder, delay) = await state.drawNotificationFaults()
        if drop { return }
        delivery.delayMilliseconds = delay
        guard self.reserve(duplicate ? 2 : 1) else {
            await state.countInjected(\.notificationsDiscarded)
            return
        }
        if reorder,
            self.held.withLock({ value -> Bool in
                guard value == nil else { return false }
                value = delivery
                return true
            })
        {
            // Held until the next notification has been delivered, or sent alone after a short hold.
            var timer = Delivery(type: type, url: url, body: [], secret: "", role: .holdTimer)
            timer.sequence = delivery.sequence
            queueInput.yield(timer)
            await state.countInjected(\.notificationsReordered)
            if duplicate { queueInput.yield(delivery) }
            return
        }
        var first = delivery
        first.role = .releasesHeld
        queueInput.yield(first)
        if duplicate { queueInput.yield(delivery) }
    }

    private func terminal(_ publicID: String) -> SandboxConfiguration.Terminal? {
        configuration.terminals.first { $0.publicID == publicID }
    }

    /// Counts `count` more pending notifications; false (and nothing counted) past the cap.
    private func reserve(_ count: Int) -> Bool {
        let now = self.pending.wrappingAdd(count, ordering: .relaxed).newValue
        guard now > configuration.notificationsPendingMax else { return true }
        self.pending.wrappingSubtract(count, ordering: .relaxed)
        return false
    }

    private func deliver(_ delivery: Delivery) async {
        if delivery.role == .holdTimer {
            try? await Task.sleep(for: .milliseconds(Self.reorderHoldMilliseconds))
            // Only the notification this timer was started for: a later held one has its own.
            self.releaseHeld(if: { $0.sequence == delivery.sequence })
            return
        }
        defer { self.pending.wrappingSubtract(1, ordering: .relaxed) }
        let delay = delivery.delayMilliseconds
        if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
        for attempt in 0..<configuration.notificationAttemptsMax {
            if Task.isCancelled { return }
            let accepted = await self.attempt(delivery)
            // A delivery queued before the held one (still finishing its first attempt) must not
            // release it: that would send the held one first, the opposite of a reorder.
            if attempt == 0, delivery.role == .releasesHeld {
                self.releaseHeld(if: { $0.sequence < delivery.sequence })
            }
            if accepted { return }
            let gap = Self.retryGapsMinutes[min(attempt, Self.retryGapsMinutes.count - 1)]
            do {
                try await Task.sleep(for: .milliseconds(gap * configuration.notificationMinuteMilliseconds))
            } catch {
                return
            }
        }
    }

    private func releaseHeld(if releases: (Delivery) -> Bool) {
        let held = self.held.withLock { value -> Delivery? in
            guard let held = value, releases(held) else { return nil }
            value = nil
            return held
        }
        if let held { queueInput.yield(held) }
    }

    /// One POST; true when the answer is `{"code":0}`.
    private func attempt(_ delivery: Delivery) async -> Bool {
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        let signature = Data(HMACSHA256.authenticationCode(for: delivery.body, key: Array(delivery.secret.utf8)))
            .base64EncodedString()
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Content-HMAC", value: signature)
        request.headers.add(name: "X-Content-HMAC", value: signature)
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        do {
            let response = try await client.execute(
                request,
                timeout: .milliseconds(configuration.notificationAnswerTimeoutMilliseconds)
            )
            let answer = try await response.body.collect(upTo: Self.answerBytesMax)
            guard response.status == .ok, let json = try? JSONParser.parse(Array(buffer: answer)) else { return false }
            return json["code"]?.text == "0"
        } catch {
            return false
        }
    }

    /// The fields of a notification, in the provider's order; absent values are sent empty.
    static func fields(
        _ type: SandboxNotificationType,
        _ transaction: Transaction,
        payment: Transaction? = nil
    ) -> [(String, String)] {
        let dateTime = ProviderDates.notification(transaction.created)
        if type == .refund {
            return [
                ("TransactionId", String(transaction.id)),
                ("PaymentTransactionId", String(payment?.id ?? transaction.originalTransactionID ?? 0)),
                ("Amount", Money.decimalText(transaction.amountMinor)),
                ("DateTime", dateTime),
                ("OperationType", "Refund"),
                ("InvoiceId", transaction.invoiceID ?? ""),
                ("AccountId", transaction.accountID ?? ""),
                ("Email", transaction.email ?? ""),
                ("Data", transaction.jsonData ?? ""),
            ]
        }
        let amount = Money.decimalText(transaction.amountMinor)
        var fields: [(String, String)] = [
            ("TransactionId", String(transaction.id)),
            ("Amount", amount),
            ("Currency", transaction.currency),
            ("PaymentAmount", amount),
            ("PaymentCurrency", transaction.currency),
            ("DateTime", dateTime),
            ("CardFirstSix", transaction.card.firstSix),
            ("CardLastFour", transaction.card.lastFour),
            ("CardType", TestCards.cardType(transaction.card.number).name),
            ("CardExpDate", transaction.card.expiry),
            ("TestMode", "1"),
            ("OperationType", "Payment"),
            ("InvoiceId", transaction.invoiceID ?? ""),
            ("AccountId", transaction.accountID ?? ""),
            ("SubscriptionId", ""),
            ("Name", transaction.name ?? ""),
            ("Email", transaction.email ?? ""),
            ("IpAddress", transaction.ipAddress ?? ""),
            ("Issuer", "Sandbox Bank"),
            ("Description", transaction.description ?? ""),
            ("Data", transaction.jsonData ?? ""),
        ]
        switch type {
        case .pay, .confirm, .cancel:
            fields += [
                ("Status", transaction.status.name),
                ("AuthCode", transaction.authCode ?? ""),
                ("Token", transaction.token ?? ""),
                ("GatewayName", "Sandbox"),
                ("Rrn", transaction.rrn ?? ""),
                ("TotalFee", "0.00"),
            ]
        case .fail:
            fields += [
                ("Reason", ReasonCode.name(transaction.reasonCode)),
                ("ReasonCode", String(transaction.reasonCode)),
            ]
        case .check, .refund, .recurrent:
            break
        }
        return fields
    }
}
