import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import Testing

/// The real client against the real sandbox: every test card of CLOUDPAYMENTS.md in both kinds of
/// payment, 3-D Secure through the sandbox's bank page, and tokens.
@Suite("Client against the sandbox: cards, 3-D Secure, tokens")
struct ClientAgainstSandboxTests {
    /// A row of CLOUDPAYMENTS.md's test-card table.
    struct TestCard: Sendable, CustomTestStringConvertible {
        var number: String
        var threeDS: Bool
        var cardApproved: Bool
        /// The token payment's outcome; nil for "—" (the card payment is declined, no token).
        var tokenApproved: Bool?
        var testDescription: String { number }
    }

    static let table: [TestCard] =
        ["4242424242424242", "5555555555554444", "2200000000000004"].map {
            TestCard(number: $0, threeDS: true, cardApproved: true, tokenApproved: true)
        }
        + ["4012888888881881", "5105105105105100", "2202202202202200"].map {
            TestCard(number: $0, threeDS: true, cardApproved: false, tokenApproved: nil)
        }
        + ["4000000000003055", "5205000000003055", "2202000000003055"].map {
            TestCard(number: $0, threeDS: false, cardApproved: true, tokenApproved: true)
        }
        + ["4111111111111111", "5200828282828210", "2200000022222222"].map {
            TestCard(number: $0, threeDS: false, cardApproved: true, tokenApproved: false)
        }
        + ["4000056655665556", "5404000000000043", "2203000000000043"].map {
            TestCard(number: $0, threeDS: false, cardApproved: false, tokenApproved: nil)
        }

    /// Pays with `card` (through the bank page with `choice` when it asks for 3-D Secure) and
    /// returns the settled transaction.
    static func pay(
        _ pair: Pair,
        _ card: TestCard,
        twoStage: Bool,
        amountMinor: Int64 = 12_345,
        invoiceId: String = Pair.invoiceID(),
        choice: String = "success"
    ) async throws -> Transaction {
        let client = pair.client
        let request = Pair.card(card.number, amountMinor: amountMinor, invoiceId: invoiceId)
        let result =
            twoStage
            ? try await client.authorizeCard(request, requestID: Pair.requestID())
            : try await client.chargeCard(request, requestID: Pair.requestID())
        guard card.threeDS else {
            if case .requires3DS = result { Issue.record("3-D Secure for a card without it") }
            let transaction = try #require(result.transaction)
            #expect(result == (card.cardApproved ? .approved(transaction) : .declined(transaction)))
            return transaction
        }
        guard case .requires3DS(let challenge) = result else { throw PairFailure("no 3-D Secure: \(result)") }
        #expect(challenge.acsURL == pair.baseURL + "/sandbox/acs")
        #expect(!challenge.paReq.isEmpty)
        let waiting = try await client.getTransaction(transactionId: challenge.transactionId)
        #expect(waiting.status == .awaitingAuthentication)
        let paRes = try await Pair.paRes(challenge, choice: choice)
        let settled = try await client.post3DS(
            transactionId: challenge.transactionId,
            paRes: paRes,
            requestID: Pair.requestID()
        )
        #expect(settled.transaction.transactionId == challenge.transactionId)
        return settled.transaction
    }

    @Test(
        "each test card, one- and two-stage: the table's outcome, read back identically by get and find",
        arguments: Self.table,
        [false, true]
    )
    func cardTable(card: TestCard, twoStage: Bool) async throws {
        try await withPair { pair in
            let invoiceId = Pair.invoiceID()
            let transaction = try await Self.pay(pair, card, twoStage: twoStage, invoiceId: invoiceId)
            #expect(transaction.amount == Pair.money(12_345))
            #expect(transaction.invoiceId == invoiceId)
            #expect(transaction.accountId == "user-1")
            #expect(transaction.jsonData == #"{"order":7}"#)
            #expect(transaction.cardFirstSix == String(card.number.prefix(6)))
            #expect(transaction.cardLastFour == String(card.number.suffix(4)))
            #expect(transaction.cardExpDate == Pair.expiry)
            #expect(transaction.testMode == true)
            #expect(transaction.createdDate != nil)
            if card.cardApproved {
                #expect(transaction.status == (twoStage ? .authorized : .completed))
                #expect(transaction.statusCode == (twoStage ? 2 : 3))
                #expect(transaction.reasonCode == ReasonCode.none)
                #expect(transaction.token?.count == 64)
                #expect(transaction.authCode != nil)
                #expect(transaction.authDate != nil)
                #expect((transaction.confirmDate != nil) == !twoStage)
            } else {
                #expect(transaction.status == .declined)
                #expect(transaction.reasonCode == .insufficientFunds)
                #expect(transaction.reason == "InsufficientFunds")
                #expect(transaction.token == nil)
            }
            let fetched = try await pair.client.getTransaction(transactionId: transaction.transactionId)
            #expect(fetched == transaction)
            let found = try await pair.client.findPayment(invoiceId: invoiceId)
            #expect(found == transaction)
        }
    }

    @Test("3-D Secure failed at the bank page: post3ds declines with 5206 and cannot be repeated")
    func threeDSFailure() async throws {
        try await withPair { pair in
            let card = Self.table[0]
            let transaction = try await Self.pay(pair, card, twoStage: false, choice: "failure")
            #expect(transaction.status == .declined)
            #expect(transaction.reasonCode == .authenticationFailed)
            #expect(transaction.reason == "AuthenticationFailed")
            #expect(transaction.token == nil)
            // The transaction is settled: a second post3ds is an invalid request, not a payment.
            await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await pair.client.post3DS(
                    transactionId: transaction.transactionId,
                    paRes: "anything",
                    requestID: Pair.requestID()
                )
            }
            let operations = await pair.operations()
            #expect(operations.map(\.kind) == [.cardCharge, .post3ds])
        }
    }

    @Test("a PaRes the bank never issued declines with 5206; an unknown TransactionId is not found")
    func forgedPaRes() async throws {
        try await withPair { pair in
            let result = try await pair.client.chargeCard(Pair.card("4242424242424242"), requestID: Pair.requestID())
            guard case .requires3DS(let challenge) = result else { throw PairFailure("no 3-D Secure: \(result)") }
            let settled = try await pair.client.post3DS(
                transactionId: challenge.transactionId,
                paRes: "forged",
                requestID: Pair.requestID()
            )
            #expect(!settled.isApproved)
            #expect(settled.transaction.reasonCode == .authenticationFailed)
            await expectError(.notFound) { () async throws(CloudPaymentsError) in
                try await pair.client.post3DS(transactionId: 1, paRes: "x", requestID: Pair.requestID())
            }
        }
    }

    @Test(
        "a token from a successful payment charges and authorizes with the table's token outcome",
        arguments: Self.table.filter { $0.tokenApproved != nil },
        [false, true]
    )
    func tokens(card: TestCard, twoStage: Bool) async throws {
        try await withPair { pair in
            let first = try await Self.pay(pair, card, twoStage: false)
            let token = try #require(first.token)
            let invoiceId = Pair.invoiceID()
            let request: TokenPaymentRequest =
                twoStage
                ? TokenPaymentRequest(
                    amount: Pair.money(50_000),
                    accountId: "user-1",
                    token: token,
                    initiator: .cardholder,
                    paymentScheduled: false,
                    invoiceId: invoiceId
                )
                : .renewal(amount: Pair.money(50_000), accountId: "user-1", token: token, invoiceId: invoiceId)
            let result =
                twoStage
                ? try await pair.client.authorizeToken(request, requestID: Pair.requestID())
                : try await pair.client.chargeToken(request, requestID: Pair.requestID())
            let transaction = result.transaction
            #expect(result.isApproved == card.tokenApproved)
            #expect(transaction.amount == Pair.money(50_000))
            #expect(transaction.invoiceId == invoiceId)
            #expect(transaction.cardLastFour == String(card.number.suffix(4)))
            #expect(transaction.transactionId != first.transactionId)
            if card.tokenApproved == true {
                #expect(transaction.status == (twoStage ? .authorized : .completed))
            } else {
                #expect(transaction.status == .declined)
                #expect(transaction.reasonCode == .insufficientFunds)
            }
            let kinds = await pair.operations().map(\.kind).suffix(1)
            #expect(kinds == [twoStage ? .tokenAuth : .tokenCharge])
        }
    }

    @Test("another Public ID's use of a token is declined with 6025; an unknown token is refused")
    func tokenOfAnotherTerminal() async throws {
        try await withPair { pair in
            let token = try #require(try await pair.charged().token)
            let renewal = TokenPaymentRequest.renewal(
                amount: Pair.money(1_000),
                accountId: "user-1",
                token: token,
                invoiceId: Pair.invoiceID()
            )
            let result = try await pair.otherClient.chargeToken(renewal, requestID: Pair.requestID())
            #expect(!result.isApproved)
            #expect(result.transaction.reasonCode == .crossTerminalTokenRestriction)
            #expect(result.transaction.reason == "CrossTerminalTokenRestriction")
            // The owner still can.
            let own = try await pair.client.chargeToken(renewal, requestID: Pair.requestID())
            #expect(own.isApproved)
            var unknown = renewal
            unknown.token = String(repeating: "A", count: 64)
            let refused = await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await pair.client.chargeToken(unknown, requestID: Pair.requestID())
            }
            #expect(refused?.providerMessage == "Token is invalid")
        }
    }

    @Test("an invalid request is refused with the provider's Message, and nothing is performed")
    func invalidRequest() async throws {
        try await withPair { pair in
            var request = Pair.card("4000000000003055")
            request.cardCryptogramPacket = "not a cryptogram"
            let error = await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await pair.client.chargeCard(request, requestID: Pair.requestID())
            }
            #expect(error?.providerMessage == "CardCryptogramPacket is invalid")
            let zero = await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await pair.client.chargeCard(
                    Pair.card("4000000000003055", amountMinor: 0),
                    requestID: Pair.requestID()
                )
            }
            #expect(zero?.providerMessage == "Amount is invalid")
            let operations = await pair.operations()
            #expect(operations.isEmpty)
        }
    }
}
