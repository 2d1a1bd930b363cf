import FoundationEssentials

/// Orders and the hosted page's payments.
extension SandboxState {
    /// `/orders/create`.
    func createOrder(_ fields: RequestFields, publicID: String, requestID: String?, baseURL: String) -> APIAnswer {
        let amount: Int64
        switch Self.amount(fields) {
        case .failure(let refusal): return refusal.answer
        case .success(let value): amount = value
        }
        guard let description = fields.string("Description") else { return .message("Description is required") }
        let order = Order(
            id: Self.newToken().prefix(32).lowercased(),
            number: nextOrderNumber,
            publicID: publicID,
            amountMinor: amount,
            currency: fields.string("Currency") ?? "RUB",
            description: description,
            email: fields.string("Email"),
            invoiceID: fields.string("InvoiceId"),
            accountID: fields.string("AccountId"),
            requireConfirmation: fields.bool("RequireConfirmation") ?? false,
            successRedirectURL: fields.string("SuccessRedirectUrl"),
            failRedirectURL: fields.string("FailRedirectUrl"),
            jsonData: fields.jsonText("JsonData"),
            created: clock.now(),
            status: "Created"
        )
        nextOrderNumber += 1
        self.storeOrder(order)
        self.appendOperation { sequence in
            SandboxOperation(
                sequence: sequence,
                kind: .orderCreate,
                publicID: publicID,
                transactionID: nil,
                invoiceID: order.invoiceID,
                amountMinor: amount,
                requestID: requestID,
                success: true,
                status: order.status,
                reasonCode: nil
            )
        }
        return .success(order.model(url: Self.orderURL(baseURL: baseURL, id: order.id)))
    }

    static func orderURL(baseURL: String, id: String) -> String { baseURL + "/sandbox/orders/" + id }

    func order(_ id: String) -> Order? { orders[id] }

    /// A card typed on the hosted page: the order's payment (auth when it requires confirmation),
    /// without 3-D Secure, since the page itself stands for the payer's bank.
    func prepareOrderPayment(_ orderID: String, card: SandboxCryptogram, ipAddress: String) -> Preparation? {
        guard let order = orders[orderID], order.status == "Created" else { return nil }
        let fields = RequestFields(
            json: .object(
                [
                    ("InvoiceId", order.invoiceID.map { .string($0) } ?? .null),
                    ("AccountId", order.accountID.map { .string($0) } ?? .null),
                    ("Email", order.email.map { .string($0) } ?? .null),
                    ("Description", .string(order.description)),
                    ("Currency", .string(order.currency)),
                    ("JsonData", order.jsonData.map { .string($0) } ?? .null),
                    ("IpAddress", .string(ipAddress)),
                ]
            )
        )
        let transaction = self.newTransaction(
            fields,
            publicID: order.publicID,
            twoStage: order.requireConfirmation,
            amount: order.amountMinor,
            card: CardData(number: card.cardNumber, expiry: card.expiry, cvv: card.cvv)
        )
        let code =
            self.triggeredCode(card: card, amountMinor: order.amountMinor)
            ?? TestCards.behaviour(card.cardNumber).cardPaymentCode
        return .draft(Draft(transaction: transaction, reasonCode: code, kind: .orderPayment, issuesToken: true))
    }

    func markOrder(_ orderID: String, transaction: Transaction) {
        guard var order = orders[orderID] else { return }
        order.transactionID = transaction.id
        if transaction.status == .completed || transaction.status == .authorized { order.status = "Paid" }
        self.storeOrder(order)
    }

}
