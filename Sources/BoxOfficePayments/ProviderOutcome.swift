public import BoxOfficeCloudPayments

/// What the provider said about one attempt: the synchronous answer of a call, or what a
/// notification or a lookup (`/v2/payments/find`, `/payments/get`) reports. The input of
/// ``PaymentSettlement/settle(attemptID:outcome:options:in:)``.
public enum ProviderOutcome: Sendable, CustomStringConvertible {
    /// A transaction as the provider reports it; its `Status` decides (see
    /// ``PaymentSettlement``): Completed, Authorized, Declined, Cancelled, AwaitingAuthentication.
    /// For a refund attempt it is the refund's own transaction.
    case transaction(Transaction)
    /// The charge needs 3-D Secure: the payer must post the form to the issuer.
    case challenge(ThreeDSChallenge)
    /// The hosted payment page was created; the payer must open it.
    case order(Order)
    /// confirm / void / refund answered `Success:true`; for a refund, the refund's own TransactionId.
    case done(transactionID: Int64?)
    /// The provider refused the request as invalid (`.requestInvalid`), or a lookup proved the
    /// call never reached it: nothing happened.
    case refused(message: String)
    /// The call never left this process (`.notSent` after the client's retries): nothing happened.
    case notSent(message: String)
    /// The answer was lost (`.outcomeUnknown`): the money may or may not have moved.
    case unknown(message: String)

    /// The outcome of a failed call (any error that is not a ``CloudPaymentsError`` is unknown).
    public init(error: any Error) {
        guard let error = error as? CloudPaymentsError else {
            self = .unknown(message: "unexpected error from the provider call")
            return
        }
        switch error.code {
        case .requestInvalid, .invalidAmount, .unknownCurrency, .invalidArgument:
            self = .refused(message: error.providerMessage ?? error.message)
        case .notSent, .rateLimited, .unauthorized:
            // 401 and an exhausted 429 mean the provider did not process the request.
            self = .notSent(message: "provider unreachable")
        default:
            self = .unknown(message: error.message)
        }
    }

    public var description: String {
        switch self {
        case .transaction(let transaction): "transaction(\(transaction))"
        case .challenge(let challenge): "challenge(\(challenge.transactionId))"
        case .order(let order): "order(\(order.id))"
        case .done(let id): "done(\(id.map(String.init) ?? "-"))"
        case .refused(let message): "refused(\(message))"
        case .notSent(let message): "notSent(\(message))"
        case .unknown(let message): "unknown(\(message))"
        }
    }
}
