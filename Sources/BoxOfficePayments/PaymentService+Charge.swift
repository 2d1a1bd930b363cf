import BoxOfficeCloudPayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation

extension PaymentService {
    /// A validated Charge or ChargeSavedMethod.
    struct ChargeInput: Sendable {
        enum Source: Sendable {
            case cryptogram(String, cardholderName: String?)
            case savedMethod(UUID)
            case hostedPage(successURL: String, failURL: String)
        }

        var userID: UUID
        var invoiceID: String
        var amount: Money
        var source: Source
        var saveMethod: Bool
        var twoStage: Bool
        /// A scheduled renewal: merchant-initiated (`TrInitiatorCode=0`, `PaymentScheduled=1`).
        var recurring: Bool
        var description: String
        var clientIP: String
        var email: String
    }

    func chargeCall(_ request: Payments_V1_ChargeRequest, context: ServerContext) async throws -> Payments_V1_Payment {
        let input = try Self.validate(request)
        return try await self.charge(input, method: "Charge", request: request, context: context)
    }

    func chargeSavedMethodCall(
        _ request: Payments_V1_ChargeSavedMethodRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        let userID = try Validation.uuid(request.userID, "userId")
        try Validation.text(request.invoiceID, "invoiceId", max: Validation.invoiceIDLengthMax, required: true)
        let amount = try Validation.money(request.amount, "amount")
        let methodID = try Validation.uuid(request.paymentMethodID, "paymentMethodId")
        try Validation.text(request.description, "description", max: Validation.descriptionLengthMax)
        let input = ChargeInput(
            userID: userID,
            invoiceID: request.invoiceID,
            amount: amount,
            source: .savedMethod(methodID),
            saveMethod: false,
            twoStage: false,
            recurring: true,
            description: request.description,
            clientIP: "",
            email: ""
        )
        return try await self.charge(input, method: "ChargeSavedMethod", request: request, context: context)
    }

    static func validate(_ request: Payments_V1_ChargeRequest) throws(PaymentsError) -> ChargeInput {
        let userID = try Validation.uuid(request.userID, "userId")
        try Validation.text(request.invoiceID, "invoiceId", max: Validation.invoiceIDLengthMax, required: true)
        let amount = try Validation.money(request.amount, "amount")
        try Validation.text(request.description, "description", max: Validation.descriptionLengthMax)
        try Validation.text(request.email, "email", max: Validation.emailLengthMax)
        guard let source = request.source, let method = source.method else {
            throw PaymentsError.invalid("source", "one of cardCryptogram, paymentMethodId, hostedPage is required")
        }
        let chargeSource: ChargeInput.Source
        switch method {
        case .cardCryptogram(let cryptogram):
            try Validation.text(
                cryptogram,
                "source.cardCryptogram",
                max: Validation.cryptogramLengthMax,
                required: true
            )
            // The provider requires the payer's IP address with a cryptogram.
            try Validation.text(request.clientIp, "clientIp", max: 64, required: true)
            chargeSource = .cryptogram(cryptogram, cardholderName: source.cardholderName)
        case .paymentMethodID(let text):
            chargeSource = .savedMethod(try Validation.uuid(text, "source.paymentMethodId"))
        case .hostedPage(let page):
            try Validation.url(page.successURL, "source.hostedPage.successUrl")
            try Validation.url(page.failURL, "source.hostedPage.failUrl")
            chargeSource = .hostedPage(successURL: page.successURL, failURL: page.failURL)
        }
        return ChargeInput(
            userID: userID,
            invoiceID: request.invoiceID,
            amount: amount,
            source: chargeSource,
            saveMethod: request.saveMethod,
            twoStage: request.authorizeOnly,
            recurring: false,
            description: request.description,
            clientIP: request.clientIp,
            email: request.email
        )
    }

    private func charge<Request: RPCMessage>(
        _ input: ChargeInput,
        method: String,
        request: Request,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        try await self.mutate(method: method, request: request, context: context) { connection, takeOver in
            if let takeOver {
                let payment = try await self.lockedPayment(takeOver.paymentID, owner: nil, in: connection)
                if let attempt = try await self.resendable(
                    payment.paymentID,
                    kinds: [.charge, .hostedOrder],
                    in: connection
                ) {
                    let call = try await Self.call(for: input, payment: payment, in: connection)
                    return .send(paymentID: payment.paymentID, attempt: attempt, call: call)
                }
                return .answer(try await PaymentMapping.payment(payment, in: connection))
            }
            var methodID: UUID?
            if case .savedMethod(let id) = input.source {
                methodID = id
                guard let method = try await PaymentMethodStore.method(id, in: connection),
                    method.userID == input.userID, method.deletedAt == nil
                else {
                    throw PaymentsError(
                        code: .notFound,
                        message: "payment method \(id.uuidString.lowercased()) does not exist",
                        field: "paymentMethodId"
                    )
                }
            }
            let source: PaymentRecord.Source =
                switch input.source {
                case .cryptogram: .cryptogram
                case .savedMethod: .savedMethod
                case .hostedPage: .hostedPage
                }
            let payment = PaymentRecord(
                userID: input.userID,
                invoiceID: input.invoiceID,
                amountMinor: input.amount.minorUnits,
                currency: input.amount.currency.code,
                source: source,
                paymentMethodID: methodID,
                saveMethod: input.saveMethod && source != .savedMethod,
                recurring: input.recurring,
                twoStage: input.twoStage,
                description: input.description,
                email: input.email
            )
            try await PaymentStore.insert(payment, in: connection)
            var attempt = AttemptRecord(
                paymentID: payment.paymentID,
                kind: source == .hostedPage ? .hostedOrder : .charge,
                amountMinor: payment.amountMinor
            )
            attempt.sentAt = attempt.createdAt
            try await PaymentStore.insert(attempt, in: connection)
            let call = try await Self.call(for: input, payment: payment, in: connection)
            return .send(paymentID: payment.paymentID, attempt: attempt, call: call)
        }
    }

    /// The provider call that charges `payment` as `input` asks: InvoiceId = payment id,
    /// AccountId = user id.
    static func call(
        for input: ChargeInput,
        payment: PaymentRecord,
        in connection: PostgresConnection
    ) async throws -> ProviderCall {
        let invoiceID = payment.paymentID.uuidString.lowercased()
        let accountID = payment.userID.uuidString.lowercased()
        let description = input.description.isEmpty ? nil : input.description
        let email = input.email.isEmpty ? nil : input.email
        switch input.source {
        case .cryptogram(let cryptogram, let name):
            return .card(
                CardPaymentRequest(
                    amount: input.amount,
                    ipAddress: input.clientIP,
                    cardCryptogramPacket: cryptogram,
                    name: name,
                    invoiceId: invoiceID,
                    paymentDescription: description,
                    accountId: accountID,
                    email: email
                ),
                twoStage: input.twoStage
            )
        case .savedMethod(let id):
            guard let method = try await PaymentMethodStore.method(id, in: connection) else {
                throw PaymentsError(code: .notFound, message: "payment method \(id) does not exist")
            }
            // A payer present (Charge) initiates the payment; a renewal is the merchant's, scheduled.
            let request = TokenPaymentRequest(
                amount: input.amount,
                accountId: accountID,
                token: method.token,
                initiator: input.recurring ? .merchant : .cardholder,
                paymentScheduled: input.recurring,
                invoiceId: invoiceID,
                paymentDescription: description,
                ipAddress: input.clientIP.isEmpty ? nil : input.clientIP,
                email: email
            )
            return .token(request, twoStage: input.twoStage)
        case .hostedPage(let successURL, let failURL):
            return .order(
                OrderRequest(
                    amount: input.amount,
                    orderDescription: description ?? "Payment \(input.invoiceID)",
                    email: email,
                    invoiceId: invoiceID,
                    accountId: accountID,
                    requireConfirmation: input.twoStage,
                    successRedirectURL: successURL,
                    failRedirectURL: failURL
                )
            )
        }
    }
}
