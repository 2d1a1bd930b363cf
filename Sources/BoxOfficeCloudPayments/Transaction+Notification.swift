#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension Transaction {
    /// A transaction built from what a notification (or another report than a transaction
    /// `Model`) says about it: the id, the amount and the status, the rest optional.
    ///
    /// PaymentService applies a Pay, Fail, Confirm or Cancel notification through the same code
    /// as a synchronous answer, which reads a ``Transaction``; this builds one from the parsed
    /// notification fields. Fields not given stay nil.
    public init(
        transactionId: Int64,
        amount: Money,
        status: TransactionStatus,
        invoiceId: String? = nil,
        accountId: String? = nil,
        reason: String? = nil,
        reasonCode: ReasonCode? = nil,
        token: String? = nil,
        cardFirstSix: String? = nil,
        cardLastFour: String? = nil,
        cardExpDate: String? = nil,
        cardType: String? = nil,
        createdDate: Date? = nil
    ) {
        self.transactionId = transactionId
        self.amount = amount
        self.status = status
        self.statusCode = status.code
        self.invoiceId = invoiceId
        self.accountId = accountId
        self.reason = reason
        self.reasonCode = reasonCode
        self.token = token
        self.cardFirstSix = cardFirstSix
        self.cardLastFour = cardLastFour
        self.cardExpDate = cardExpDate
        self.cardType = cardType
        self.createdDate = createdDate
    }
}
