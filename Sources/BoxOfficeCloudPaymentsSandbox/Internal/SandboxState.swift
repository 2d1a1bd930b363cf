import FoundationEssentials

/// All of the sandbox's data, behind one actor: transactions, tokens, orders, the
/// `X-Request-ID` answers and the operations log. Its methods never suspend except to wait for
/// a concurrent request with the same `X-Request-ID`, so each one is one atomic step.
actor SandboxState {
    /// A payment that passed validation, with the reason code it will end with, waiting for the
    /// Check notification's answer.
    struct Draft: Sendable {
        var transaction: Transaction
        var reasonCode: Int
        var kind: SandboxOperation.Kind
        var issuesToken: Bool
    }

    enum Preparation: Sendable {
        case answer(APIAnswer)
        case draft(Draft)
    }

    struct TokenRecord {
        var publicID: String
        var card: CardData
    }

    private enum CachedAnswer {
        case running(waiters: [CheckedContinuation<APIAnswer, Never>])
        case done(APIAnswer, expires: Date)
    }

    /// Two-stage payments not confirmed within this are voided, as the provider does.
    static let authorizationLifetimeSeconds: TimeInterval = 7 * 86_400
    /// Refunds are refused this long after the payment.
    static let refundWindowSeconds: TimeInterval = 365 * 86_400
    /// `/v2/payments/list` page size.
    static let listPageSize = 100
    /// `X-Request-ID`s longer than this are refused, so the cache cannot be grown by huge keys.
    static let requestIDBytesMax = 256

    let clock: SandboxClock
    private let retentionSeconds: TimeInterval
    let cardReasonCodes: [String: Int]
    let limits: Limits
    private(set) var transactions: [Int64: Transaction] = [:]
    private var transactionOrder = OldestFirst<Int64>()
    private var nextTransactionID: Int64 = 1_000
    private var tokens: [String: TokenRecord] = [:]
    private var tokenOrder = OldestFirst<String>()
    private(set) var orders: [String: Order] = [:]
    private var orderOrder = OldestFirst<String>()
    var nextOrderNumber: Int64 = 1
    private var answers: [String: CachedAnswer] = [:]
    /// Stored answers oldest first, with the expiry they were stored with: an entry whose key has
    /// since been answered again (after expiring) is stale and only dropped.
    private var answerOrder = OldestFirst<(key: String, expires: Date)>()
    private var operationLog = OldestFirst<SandboxOperation>()
    private var operationsRecorded = 0
    private(set) var faults: SandboxFaults
    private var random: SeededRandom
    /// Every fault injected so far; ``setFaults(_:)`` does not reset it.
    private(set) var injected = SandboxFaultCounts()

    /// The caps of ``SandboxConfiguration`` on what is kept in memory.
    struct Limits: Sendable {
        var transactionsKeptMax: Int
        var requestIDsKeptMax: Int
        var tokensKeptMax: Int
        var ordersKeptMax: Int
        var operationsKeptMax: Int
    }

    init(configuration: SandboxConfiguration) {
        self.clock = configuration.clock
        self.retentionSeconds = TimeInterval(configuration.requestIDRetentionSeconds)
        self.cardReasonCodes = configuration.cardReasonCodes
        self.limits = Limits(
            transactionsKeptMax: configuration.transactionsKeptMax,
            requestIDsKeptMax: configuration.requestIDsKeptMax,
            tokensKeptMax: configuration.tokensKeptMax,
            ordersKeptMax: configuration.ordersKeptMax,
            operationsKeptMax: configuration.operationsKeptMax
        )
        self.faults = configuration.faults
        self.random = SeededRandom(seed: configuration.faults.seed)
    }

    // MARK: - Faults

    func setFaults(_ faults: SandboxFaults) {
        self.faults = faults
        self.random = SeededRandom(seed: faults.seed)
    }

    /// The fault for the next API call: a scripted one first, else a seeded draw. Counts it, and
    /// the added latency when `latencyAdded` (the caller waited it out just before).
    func drawAPIFault(latencyAdded: Bool) -> SandboxFaults.APIFault? {
        if latencyAdded { injected.latencyAdded += 1 }
        let fault: SandboxFaults.APIFault?
        if !faults.scripted.isEmpty {
            fault = faults.scripted.removeFirst()
        } else if random.chance(perMille: faults.serverErrorPerMille) {
            fault = .serverError
        } else if random.chance(perMille: faults.timeoutPerMille) {
            fault = .timeout
        } else if random.chance(perMille: faults.responseLostPerMille) {
            fault = .responseLost
        } else {
            fault = nil
        }
        switch fault {
        case .serverError: injected.serverErrors += 1
        case .timeout: injected.timeouts += 1
        case .responseLost: injected.responsesLost += 1
        case nil: break
        }
        return fault
    }

    /// Seeded draws for one notification: (drop, duplicate, reorder, delay in ms). A dropped one
    /// is neither duplicated, reordered nor delayed. Counted, except the reorder: the notifier
    /// holds one notification at a time and counts it when it does (``countInjected(_:)``).
    func drawNotificationFaults() -> (drop: Bool, duplicate: Bool, reorder: Bool, delayMilliseconds: Int64) {
        let drop = random.chance(perMille: faults.notificationDropPerMille)
        let duplicate = random.chance(perMille: faults.notificationDuplicatePerMille)
        let reorder = random.chance(perMille: faults.notificationReorderPerMille)
        if drop {
            injected.notificationsDropped += 1
            return (true, false, false, 0)
        }
        if duplicate { injected.notificationsDuplicated += 1 }
        if faults.notificationDelayMilliseconds > 0 { injected.notificationsDelayed += 1 }
        return (false, duplicate, reorder, faults.notificationDelayMilliseconds)
    }

    /// Counts one fault the notifier injected itself (a reorder it held, a notification it discarded).
    func countInjected(_ kind: WritableKeyPath<SandboxFaultCounts, Int>) {
        injected[keyPath: kind] += 1
    }

    // MARK: - X-Request-ID

    /// The stored answer for `key`, waiting if the first request with it is still running; nil
    /// when the caller is the first and must run the request, then call ``storeAnswer(_:for:)``.
    func claim(_ key: String) async -> APIAnswer? {
        let now = clock.now()
        switch answers[key] {
        case .done(let answer, let expires) where expires > now:
            return answer
        case .running:
            return await withCheckedContinuation { continuation in
                if case .running(let waiters) = answers[key] {
                    answers[key] = .running(waiters: waiters + [continuation])
                }
            }
        default:
            // Absent, or stored and expired: the provider keeps an answer one hour, after which
            // a repeat is a new request.
            answers[key] = .running(waiters: [])
            return nil
        }
    }

    func storeAnswer(_ answer: APIAnswer, for key: String) {
        let now = clock.now()
        let expires = now.addingTimeInterval(retentionSeconds)
        if case .running(let waiters) = answers[key] {
            for waiter in waiters { waiter.resume(returning: answer) }
        }
        answers[key] = .done(answer, expires: expires)
        answerOrder.append((key, expires))
        // Expired answers go as new ones arrive (they are stored in expiry order, so they are at
        // the front), and past the cap the oldest go early. Running requests are not in
        // `answerOrder`: at most the concurrency cap of them per terminal.
        while let oldest = answerOrder.first, oldest.expires <= now || answers.count > limits.requestIDsKeptMax {
            _ = answerOrder.removeFirst()
            if case .done(_, let stored)? = answers[oldest.key], stored == oldest.expires {
                answers[oldest.key] = nil
            }
        }
    }

    // MARK: - Keeping within the limits

    /// Every operation still in the log, in order.
    var operations: [SandboxOperation] { Array(operationLog.elements) }

    /// Stores a transaction; a new one may push the oldest finished one out.
    func store(_ transaction: Transaction) {
        guard transactions.updateValue(transaction, forKey: transaction.id) == nil else { return }
        transactionOrder.append(transaction.id)
        while transactions.count > limits.transactionsKeptMax,
            let evicted = transactionOrder.removeOldest(preferring: { transactions[$0]?.isFinished ?? true })
        {
            transactions[evicted] = nil
        }
    }

    func issueToken(_ token: String, _ record: TokenRecord) {
        tokens[token] = record
        tokenOrder.append(token)
        while tokens.count > limits.tokensKeptMax, let evicted = tokenOrder.removeFirst() {
            tokens[evicted] = nil
        }
    }

    func tokenRecord(_ token: String) -> TokenRecord? { tokens[token] }

    func storeOrder(_ order: Order) {
        guard orders.updateValue(order, forKey: order.id) == nil else { return }
        orderOrder.append(order.id)
        while orders.count > limits.ordersKeptMax,
            let evicted = orderOrder.removeOldest(preferring: { orders[$0]?.status != "Created" })
        {
            orders[evicted] = nil
        }
    }

    func appendOperation(_ make: (_ sequence: Int) -> SandboxOperation) {
        operationsRecorded += 1
        operationLog.append(make(operationsRecorded))
        while operationLog.count > limits.operationsKeptMax { _ = operationLog.removeFirst() }
    }

    // MARK: - Payments

    /// `/payments/cards/charge` and `/payments/cards/auth`.
    func prepareCardPayment(
        _ fields: RequestFields,
        publicID: String,
        twoStage: Bool,
        requestID: String?,
        acsURL: String
    ) -> Preparation {
        let kind: SandboxOperation.Kind = twoStage ? .cardAuth : .cardCharge
        let amount: Int64
        switch Self.amount(fields) {
        case .failure(let refusal): return .answer(refusal.answer)
        case .success(let value): amount = value
        }
        guard fields.string("IpAddress") != nil else { return .answer(.message("IpAddress is required")) }
        guard let packet = fields.string("CardCryptogramPacket") else {
            return .answer(.message("CardCryptogramPacket is required"))
        }
        guard let cryptogram = SandboxCryptogram(packet: packet) else {
            return .answer(.message("CardCryptogramPacket is invalid"))
        }
        let card = CardData(number: cryptogram.cardNumber, expiry: cryptogram.expiry, cvv: cryptogram.cvv)
        var transaction = self.newTransaction(
            fields,
            publicID: publicID,
            twoStage: twoStage,
            amount: amount,
            card: card
        )
        let behaviour = TestCards.behaviour(card.number)
        if let code = self.triggeredCode(card: cryptogram, amountMinor: amount) {
            return .draft(Draft(transaction: transaction, reasonCode: code, kind: kind, issuesToken: false))
        }
        if behaviour.threeDSecure {
            transaction.status = .awaitingAuthentication
            transaction.reasonCode = 0
            transaction.pendingReasonCode = behaviour.cardPaymentCode
            self.store(transaction)
            self.record(kind, transaction, amountMinor: amount, requestID: requestID, success: false)
            let paReq = Data("sandbox-pareq:\(transaction.id)".utf8).base64EncodedString()
            return .answer(
                .failure(
                    .object([
                        ("TransactionId", .number(String(transaction.id))),
                        ("PaReq", .string(paReq)),
                        ("GoReq", .null),
                        ("AcsUrl", .string(acsURL)),
                        ("ThreeDsSessionData", .null),
                        ("IFrameIsAllowed", .bool(true)),
                        ("FrameWidth", .null),
                        ("FrameHeight", .null),
                        ("ThreeDsCallbackId", .null),
                        ("EscrowAccumulationId", .null),
                    ])
                )
            )
        }
        return .draft(
            Draft(transaction: transaction, reasonCode: behaviour.cardPaymentCode, kind: kind, issuesToken: true)
        )
    }

    /// `/payments/cards/post3ds`: `PaRes` is what the sandbox's ACS page posted.
    func prepare3DS(_ fields: RequestFields, publicID: String, requestID: String?) -> Preparation {
        guard let id = fields.integer("TransactionId") else { return .answer(.message("TransactionId is required")) }
        guard let paRes = fields.string("PaRes") else { return .answer(.message("PaRes is required")) }
        guard let transaction = transactions[id], transaction.publicID == publicID else { return .answer(.notFound) }
        guard transaction.status == .awaitingAuthentication else {
            return .answer(.message("Transaction is not awaiting authentication"))
        }
        let approved = paRes == ACSPage.paRes(transactionID: id, approved: true)
        let code = approved ? transaction.pendingReasonCode : ReasonCode.authenticationFailed
        return .draft(Draft(transaction: transaction, reasonCode: code, kind: .post3ds, issuesToken: approved))
    }

    /// `/payments/tokens/charge` and `/payments/tokens/auth`.
    func prepareTokenPayment(_ fields: RequestFields, publicID: String, twoStage: Bool) -> Preparation {
        let kind: SandboxOperation.Kind = twoStage ? .tokenAuth : .tokenCharge
        let amount: Int64
        switch Self.amount(fields) {
        case .failure(let refusal): return .answer(refusal.answer)
        case .success(let value): amount = value
        }
        guard fields.string("AccountId") != nil else { return .answer(.message("AccountId is required")) }
        guard let token = fields.string("Token") else { return .answer(.message("Token is required")) }
        guard let initiator = fields.string("TrInitiatorCode") else {
            return .answer(.message("TrInitiatorCode is required"))
        }
        guard initiator == "0" || initiator == "1" else { return .answer(.message("TrInitiatorCode is invalid")) }
        guard let record = self.tokenRecord(token) else { return .answer(.message("Token is invalid")) }
        let transaction = self.newTransaction(
            fields,
            publicID: publicID,
            twoStage: twoStage,
            amount: amount,
            card: record.card
        )
        // A token belongs to the terminal that issued it; another terminal's use is declined with
        // the provider's own code for exactly that.
        if record.publicID != publicID {
            return .draft(
                Draft(
                    transaction: transaction,
                    reasonCode: ReasonCode.crossTerminalTokenRestriction,
                    kind: kind,
                    issuesToken: false
                )
            )
        }
        let cryptogram = SandboxCryptogram(cardNumber: record.card.number, expiry: record.card.expiry, cvv: "000")
        let code =
            self.triggeredCode(card: cryptogram, amountMinor: amount, checkCVV: false)
            ?? TestCards.behaviour(record.card.number).tokenPaymentCode
        var draft = Draft(transaction: transaction, reasonCode: code, kind: kind, issuesToken: false)
        draft.transaction.token = token
        return .draft(draft)
    }

    /// Ends a prepared payment: approved (Completed or Authorized, a token issued) or declined.
    func settle(_ draft: Draft, checkRefused: Bool, requestID: String?) -> (APIAnswer, Transaction) {
        var transaction = draft.transaction
        let now = clock.now()
        let code = checkRefused && draft.reasonCode == 0 ? ReasonCode.checkRefused : draft.reasonCode
        transaction.reasonCode = code
        if code == 0 {
            transaction.status = transaction.twoStage ? .authorized : .completed
            transaction.authDate = now
            transaction.confirmDate = transaction.twoStage ? nil : now
            transaction.authCode = sixDigits(Int.random(in: 0..<1_000_000))
            transaction.rrn = String(Int64.random(in: 100_000_000_000..<1_000_000_000_000))
            if draft.issuesToken {
                let token = Self.newToken()
                self.issueToken(token, TokenRecord(publicID: transaction.publicID, card: transaction.card))
                transaction.token = token
            }
        } else {
            transaction.status = .declined
        }
        self.store(transaction)
        let answer = APIAnswer.transaction(transaction)
        self.record(
            draft.kind,
            transaction,
            amountMinor: transaction.amountMinor,
            requestID: requestID,
            success: code == 0
        )
        return (answer, transaction)
    }

    /// `/payments/confirm`.
    func confirm(_ fields: RequestFields, publicID: String, requestID: String?) -> (APIAnswer, Transaction?) {
        guard let id = fields.integer("TransactionId") else { return (.message("TransactionId is required"), nil) }
        let amount: Int64
        switch Self.amount(fields) {
        case .failure(let refusal): return (refusal.answer, nil)
        case .success(let value): amount = value
        }
        guard var transaction = self.transaction(id, publicID: publicID) else { return (.notFound, nil) }
        guard transaction.status == .authorized else {
            return (self.refused(.confirm, transaction, amount, requestID, "Transaction is not authorized"), nil)
        }
        guard amount <= transaction.amountMinor else {
            return (self.refused(.confirm, transaction, amount, requestID, "Amount exceeds the authorized amount"), nil)
        }
        transaction.amountMinor = amount
        transaction.status = .completed
        transaction.confirmDate = clock.now()
        self.store(transaction)
        self.record(.confirm, transaction, amountMinor: amount, requestID: requestID, success: true)
        return (.success(), transaction)
    }

    /// `/payments/void`.
    func void(_ fields: RequestFields, publicID: String, requestID: String?) -> (APIAnswer, Transaction?) {
        guard let id = fields.integer("TransactionId") else { return (.message("TransactionId is required"), nil) }
        guard var transaction = self.transaction(id, publicID: publicID) else { return (.notFound, nil) }
        guard transaction.status == .authorized else {
            return (self.refused(.void, transaction, nil, requestID, "Transaction is not authorized"), nil)
        }
        transaction.status = .cancelled
        self.store(transaction)
        self.record(.void, transaction, amountMinor: nil, requestID: requestID, success: true)
        return (.success(), transaction)
    }

    /// `/payments/refund`: returns the refund transaction and the payment.
    func refund(
        _ fields: RequestFields,
        publicID: String,
        requestID: String?
    ) -> (APIAnswer, (refund: Transaction, payment: Transaction)?) {
        guard let id = fields.integer("TransactionId") else { return (.message("TransactionId is required"), nil) }
        let amount: Int64
        switch Self.amount(fields) {
        case .failure(let refusal): return (refusal.answer, nil)
        case .success(let value): amount = value
        }
        guard var payment = self.transaction(id, publicID: publicID) else { return (.notFound, nil) }
        let now = clock.now()
        guard payment.status == .completed, !payment.isRefund else {
            return (self.refused(.refund, payment, amount, requestID, "Transaction is not completed"), nil)
        }
        guard now.timeIntervalSince(payment.created) <= Self.refundWindowSeconds else {
            return (self.refused(.refund, payment, amount, requestID, "Refund period has expired"), nil)
        }
        guard amount <= payment.amountMinor - payment.refundedMinor else {
            return (self.refused(.refund, payment, amount, requestID, "Amount exceeds the refundable amount"), nil)
        }
        payment.refundedMinor += amount
        self.store(payment)
        var refund = payment
        refund.id = self.allocateID()
        refund.originalTransactionID = id
        refund.amountMinor = amount
        refund.refundedMinor = 0
        refund.created = now
        refund.authDate = now
        refund.confirmDate = now
        refund.token = nil
        refund.status = .completed
        refund.reasonCode = 0
        self.store(refund)
        self.record(.refund, refund, amountMinor: amount, requestID: requestID, success: true)
        return (.success(.object([("TransactionId", .number(String(refund.id)))])), (refund, payment))
    }

    // MARK: - Helpers

    static func amount(_ fields: RequestFields) -> Result<Int64, AmountRefusal> {
        guard let text = fields["Amount"]?.text, !text.isEmpty else {
            return .failure(AmountRefusal(answer: .message("Amount is required")))
        }
        guard let minor = Money.minorUnits(text), minor >= 1 else {
            return .failure(AmountRefusal(answer: .message("Amount is invalid")))
        }
        return .success(minor)
    }

    func triggeredCode(card: SandboxCryptogram, amountMinor: Int64, checkCVV: Bool = true) -> Int? {
        guard TestCards.luhnValid(card.cardNumber) else { return ReasonCode.invalidCardNumber }
        guard let expiry = card.expiryMonthYear else { return ReasonCode.expiredCard }
        let (year, month, _) = ProviderDates.civilFromDays(ProviderDates.day(clock.now(), offsetSeconds: 0))
        if 2000 + Int64(expiry.year) < year || (2000 + Int64(expiry.year) == year && Int64(expiry.month) < month) {
            return ReasonCode.expiredCard
        }
        if checkCVV, !(3...4).contains(card.cvv.count) || !card.cvv.allSatisfy(\.isNumber) {
            return ReasonCode.incorrectCVV
        }
        if let code = cardReasonCodes[card.cardNumber] { return code }
        return TestCards.amountTrigger(amountMinor)
    }

    func newTransaction(
        _ fields: RequestFields,
        publicID: String,
        twoStage: Bool,
        amount: Int64,
        card: CardData
    ) -> Transaction {
        Transaction(
            id: self.allocateID(),
            publicID: publicID,
            twoStage: twoStage,
            originalTransactionID: nil,
            amountMinor: amount,
            currency: fields.string("Currency")?.uppercased() ?? "RUB",
            invoiceID: fields.string("InvoiceId"),
            accountID: fields.string("AccountId"),
            email: fields.string("Email"),
            description: fields.string("Description"),
            jsonData: fields.jsonText("JsonData"),
            name: fields.string("Name"),
            ipAddress: fields.string("IpAddress"),
            created: clock.now(),
            card: card,
            status: .declined,
            reasonCode: 0
        )
    }

    func allocateID() -> Int64 {
        defer { nextTransactionID += 1 }
        return nextTransactionID
    }

    /// A transaction of this terminal, with a two-stage payment past its lifetime voided first.
    func transaction(_ id: Int64, publicID: String) -> Transaction? {
        guard var transaction = transactions[id], transaction.publicID == publicID else { return nil }
        if transaction.status == .authorized,
            clock.now().timeIntervalSince(transaction.authDate ?? transaction.created)
                > Self.authorizationLifetimeSeconds
        {
            transaction.status = .cancelled
            self.store(transaction)
        }
        return transaction
    }

    func visible(_ publicID: String) -> [Transaction] {
        transactions.values.filter { $0.publicID == publicID }
    }

    private func refused(
        _ kind: SandboxOperation.Kind,
        _ transaction: Transaction,
        _ amount: Int64?,
        _ requestID: String?,
        _ message: String
    ) -> APIAnswer {
        self.record(kind, transaction, amountMinor: amount, requestID: requestID, success: false)
        return .message(message)
    }

    private func record(
        _ kind: SandboxOperation.Kind,
        _ transaction: Transaction,
        amountMinor: Int64?,
        requestID: String?,
        success: Bool
    ) {
        self.appendOperation { sequence in
            SandboxOperation(
                sequence: sequence,
                kind: kind,
                publicID: transaction.publicID,
                transactionID: transaction.id,
                invoiceID: transaction.invoiceID,
                amountMinor: amountMinor,
                requestID: requestID,
                success: success,
                status: transaction.status.name,
                reasonCode: transaction.reasonCode
            )
        }
    }

    /// 64 uppercase hex digits, the shape of the provider's tokens.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16, uppercase: true)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

/// An amount field the provider refuses, as the answer to give.
struct AmountRefusal: Error {
    var answer: APIAnswer
}

/// Six digits with leading zeros, the shape of an `AuthCode`.
func sixDigits(_ value: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}
