/// The provider's answer `{"Success": bool, "Message": string|null, "Model": {...}|[...]}` and
/// the rules that tell its cases apart (CLOUDPAYMENTS.md, "Envelope").
struct Envelope {
    let success: Bool
    let message: String?
    let model: JSONValue?

    static let notFoundMessage = "Not found"

    init(parsing bytes: [UInt8]) throws(CloudPaymentsError) {
        let root: JSONValue
        do {
            root = try JSONReader.parse(bytes)
        } catch {
            throw CloudPaymentsError(code: .malformedResponse, message: "the answer is not JSON")
        }
        guard let object = root.objectValue else {
            throw CloudPaymentsError(code: .malformedResponse, message: "the answer is not a JSON object")
        }
        let fields = LooseFields(object)
        guard let success = try fields.bool("Success") else {
            throw CloudPaymentsError(code: .malformedResponse, message: "the answer has no Success")
        }
        self.success = success
        self.message = try fields.string("Message")
        self.model = fields.value("Model")
    }

    private func malformed(_ why: String) -> CloudPaymentsError {
        CloudPaymentsError(code: .malformedResponse, message: why)
    }

    private var modelObject: LooseFields? { self.model?.objectValue.map(LooseFields.init) }

    /// `Success:false` with a `Message` and no Model: the request was refused (or a lookup missed).
    private func refusal() -> CloudPaymentsError {
        let message = self.message ?? ""
        if message.equalsIgnoringCase(Self.notFoundMessage) {
            return CloudPaymentsError(
                code: .notFound,
                message: "the provider has no such record",
                providerMessage: message
            )
        }
        return CloudPaymentsError(
            code: .requestInvalid,
            message: "the provider refused the request",
            providerMessage: message
        )
    }

    /// A charge/auth answer. The cases, exactly as CLOUDPAYMENTS.md defines them:
    /// - `Success:true` + transaction Model → approved;
    /// - `Success:false`, `Message:null`, Model with `PaReq` and `AcsUrl` and no `ReasonCode` → 3-D Secure;
    /// - `Success:false`, `Message:null`, Model with `ReasonCode != 0` → declined;
    /// - `Success:false`, a `Message`, no Model → request invalid (thrown).
    /// Any other shape matches none of them and is malformed — for a mutating call the caller
    /// turns that into UNKNOWN rather than guess which case was meant.
    func chargeResult(allowing3DS: Bool) throws(CloudPaymentsError) -> ChargeResult {
        if self.success {
            guard let model = self.modelObject else { throw self.malformed("Success:true without a Model") }
            return .approved(try Transaction(model: model))
        }
        if self.message != nil {
            guard self.model == nil else { throw self.malformed("Success:false with both a Message and a Model") }
            throw self.refusal()
        }
        guard let model = self.modelObject else { throw self.malformed("Success:false without Message or Model") }
        if let reasonCode = try model.int("ReasonCode") {
            guard reasonCode != 0 else { throw self.malformed("Success:false with ReasonCode 0") }
            return .declined(try Transaction(model: model))
        }
        guard allowing3DS else { throw self.malformed("a 3-D Secure answer where none is possible") }
        guard let paReq = try model.string("PaReq"), let acsURL = try model.string("AcsUrl") else {
            throw self.malformed("Success:false without ReasonCode, PaReq or AcsUrl")
        }
        return .requires3DS(
            ThreeDSChallenge(
                transactionId: try model.requiredInt64("TransactionId"),
                paReq: paReq,
                acsURL: acsURL,
                threeDsSessionData: try model.string("ThreeDsSessionData"),
                iFrameIsAllowed: try model.bool("IFrameIsAllowed")
            )
        )
    }

    func paymentResult() throws(CloudPaymentsError) -> PaymentResult {
        switch try self.chargeResult(allowing3DS: false) {
        case .approved(let transaction): return .approved(transaction)
        case .declined(let transaction): return .declined(transaction)
        case .requires3DS: throw self.malformed("a 3-D Secure answer where none is possible")
        }
    }

    /// A lookup (get, v2 find): a transaction, whatever its status. A declined one may come as
    /// `Success:false` with `Message:null`, the same shape a charge answers with.
    func transaction() throws(CloudPaymentsError) -> Transaction {
        if self.message != nil, !self.success {
            guard self.model == nil else { throw self.malformed("Success:false with both a Message and a Model") }
            throw self.refusal()
        }
        guard let model = self.modelObject else { throw self.malformed("a lookup answer without a Model") }
        return try Transaction(model: model)
    }

    /// confirm, void, test: `Success:true` and nothing else to read.
    func acknowledgement() throws(CloudPaymentsError) {
        if self.success { return }
        guard self.message != nil else { throw self.malformed("Success:false without a Message") }
        throw self.refusal()
    }

    /// refund: `Model:{TransactionId: <refund id>}`.
    func refundTransactionId() throws(CloudPaymentsError) -> Int64 {
        try self.acknowledgement()
        guard let model = self.modelObject else { throw self.malformed("a refund answer without a Model") }
        return try model.requiredInt64("TransactionId")
    }

    /// list, v2 list: a Model array of transactions (absent or null when there are none).
    func transactions() throws(CloudPaymentsError) -> [Transaction] {
        try self.acknowledgement()
        guard let model = self.model else { return [] }
        guard let elements = model.arrayValue else { throw self.malformed("a list answer whose Model is not an array") }
        var transactions: [Transaction] = []
        transactions.reserveCapacity(elements.count)
        for element in elements {
            guard let object = element.objectValue else { throw self.malformed("a list element is not an object") }
            transactions.append(try Transaction(model: LooseFields(object)))
        }
        return transactions
    }

    /// orders/create: Model with `Id`, `Number`, `Url`, `Status`.
    func order(currency: Currency) throws(CloudPaymentsError) -> Order {
        try self.acknowledgement()
        guard let model = self.modelObject else { throw self.malformed("an order answer without a Model") }
        let orderCurrency = try model.currency("Currency") ?? currency
        return Order(
            id: try model.requiredString("Id"),
            number: try model.int64("Number"),
            url: try model.requiredString("Url"),
            status: try model.string("Status"),
            amount: try model.decimal("Amount")?.money(in: orderCurrency),
            invoiceId: try model.string("InvoiceId"),
            accountId: try model.string("AccountId")
        )
    }
}

extension String {
    fileprivate func equalsIgnoringCase(_ other: String) -> Bool { self.lowercased() == other.lowercased() }
}
