/// The provider's decline reason codes, with `Reason` spelled as the provider spells it.
enum ReasonCode {
    static let approved = 0
    static let insufficientFunds = 5051
    static let expiredCard = 5054
    static let invalidCardNumber = 5014
    static let incorrectCVV = 5082
    static let authenticationFailed = 5206
    static let crossTerminalTokenRestriction = 6025
    /// What a Check answer other than `{"code":0}` declines with. *Unverified*: the provider
    /// documents that such a payment is declined but not with which code; 5006 `Error` is the
    /// generic one.
    static let checkRefused = 5006

    /// Code → reason name, exactly the table of CLOUDPAYMENTS.md.
    static let names: [Int: String] = [
        0: "Approved",
        5001: "ReferToCardIssuer", 5003: "InvalidMerchant", 5004: "PickUpCard", 5005: "DoNotHonor",
        5006: "Error", 5012: "InvalidTransaction", 5013: "AmountError", 5014: "InvalidCardNumber",
        5015: "NoSuchIssuer", 5017: "CustomerCancellation", 5030: "FormatError",
        5031: "BankNotSupportedBySwitch", 5034: "SuspectedFraud", 5041: "LostCard", 5043: "StolenCard",
        5051: "InsufficientFunds", 5054: "ExpiredCard", 5055: "InvalidPIN", 5057: "TransactionNotPermitted",
        5065: "ExceedWithdrawalFrequency", 5082: "IncorrectCVV", 5091: "Timeout", 5092: "CannotReachNetwork",
        5096: "SystemError", 5204: "UnableToProcess", 5206: "AuthenticationFailed",
        5207: "AuthenticationUnavailable", 5300: "AntiFraud", 6025: "CrossTerminalTokenRestriction",
    ]

    static func name(_ code: Int) -> String { Self.names[code] ?? "Error" }

    /// The text a payer is shown, `CardHolderMessage`.
    static func cardHolderMessage(_ code: Int) -> String {
        switch code {
        case 0: return "Payment successful"
        case 5051: return "Insufficient funds on the card"
        case 5054: return "The card has expired"
        case 5206, 5207: return "3-D Secure authentication failed"
        default: return "Contact your bank or use another card"
        }
    }
}
