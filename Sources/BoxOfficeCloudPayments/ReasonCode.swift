/// A decline `ReasonCode`. Known codes have names; any other code is kept as it came.
public struct ReasonCode: Hashable, Sendable, CustomStringConvertible {
    /// The provider's number (5051 for insufficient funds; 0 means no decline).
    public let rawValue: Int

    /// The code `rawValue`, known or not.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// How the provider's recurring rules treat a decline with this code.
    public enum RetryClass: Hashable, Sendable {
        /// "Unconditionally negative": stop retrying; the payer must pay again with a card.
        case unconditionallyNegative
        /// "Conditionally negative": two declines block the card for 24 hours.
        case conditionallyNegative
        /// "Temporarily negative" (insufficient funds, …): two declines block the card for
        /// 24 hours; the provider's practice is to retry the next day, for several days.
        case temporarilyNegative
        /// Not named by the provider's recurring rules.
        case unclassified
    }

    /// The provider's recurring-retry class of this code.
    public var retryClass: RetryClass {
        switch self.rawValue {
        case 5001, 5003, 5005, 5012, 5017, 5033, 5034, 5057: .unconditionallyNegative
        case 5013, 5014, 5030, 5054, 5055, 5063: .conditionallyNegative
        case 5051, 5065, 5096: .temporarilyNegative
        default: .unclassified
        }
    }

    /// The provider's `Reason` for a known code (`InsufficientFunds`), nil for others.
    public var name: String? { Self.names[self.rawValue] }

    public var description: String { self.name.map { "\($0) (\(self.rawValue))" } ?? String(self.rawValue) }

    /// 0: no decline.
    public static let none = ReasonCode(rawValue: 0)
    /// 5001 ReferToCardIssuer.
    public static let referToCardIssuer = ReasonCode(rawValue: 5001)
    /// 5003 InvalidMerchant.
    public static let invalidMerchant = ReasonCode(rawValue: 5003)
    /// 5004 PickUpCard.
    public static let pickUpCard = ReasonCode(rawValue: 5004)
    /// 5005 DoNotHonor.
    public static let doNotHonor = ReasonCode(rawValue: 5005)
    /// 5006 Error.
    public static let error = ReasonCode(rawValue: 5006)
    /// 5012 InvalidTransaction.
    public static let invalidTransaction = ReasonCode(rawValue: 5012)
    /// 5013 AmountError.
    public static let amountError = ReasonCode(rawValue: 5013)
    /// 5014 InvalidCardNumber.
    public static let invalidCardNumber = ReasonCode(rawValue: 5014)
    /// 5015 NoSuchIssuer.
    public static let noSuchIssuer = ReasonCode(rawValue: 5015)
    /// 5017 CustomerCancellation.
    public static let customerCancellation = ReasonCode(rawValue: 5017)
    /// 5030 FormatError.
    public static let formatError = ReasonCode(rawValue: 5030)
    /// 5031 BankNotSupportedBySwitch.
    public static let bankNotSupportedBySwitch = ReasonCode(rawValue: 5031)
    /// 5034 SuspectedFraud.
    public static let suspectedFraud = ReasonCode(rawValue: 5034)
    /// 5041 LostCard.
    public static let lostCard = ReasonCode(rawValue: 5041)
    /// 5043 StolenCard.
    public static let stolenCard = ReasonCode(rawValue: 5043)
    /// 5051 InsufficientFunds.
    public static let insufficientFunds = ReasonCode(rawValue: 5051)
    /// 5054 ExpiredCard.
    public static let expiredCard = ReasonCode(rawValue: 5054)
    /// 5055 InvalidPIN.
    public static let invalidPIN = ReasonCode(rawValue: 5055)
    /// 5057 TransactionNotPermitted.
    public static let transactionNotPermitted = ReasonCode(rawValue: 5057)
    /// 5065 ExceedWithdrawalFrequency.
    public static let exceedWithdrawalFrequency = ReasonCode(rawValue: 5065)
    /// 5082 IncorrectCVV.
    public static let incorrectCVV = ReasonCode(rawValue: 5082)
    /// 5091 Timeout.
    public static let timeout = ReasonCode(rawValue: 5091)
    /// 5092 CannotReachNetwork.
    public static let cannotReachNetwork = ReasonCode(rawValue: 5092)
    /// 5096 SystemError.
    public static let systemError = ReasonCode(rawValue: 5096)
    /// 5204 UnableToProcess.
    public static let unableToProcess = ReasonCode(rawValue: 5204)
    /// 5206 AuthenticationFailed.
    public static let authenticationFailed = ReasonCode(rawValue: 5206)
    /// 5207 AuthenticationUnavailable.
    public static let authenticationUnavailable = ReasonCode(rawValue: 5207)
    /// 5300 AntiFraud.
    public static let antiFraud = ReasonCode(rawValue: 5300)
    /// 6025 CrossTerminalTokenRestriction.
    public static let crossTerminalTokenRestriction = ReasonCode(rawValue: 6025)

    private static let names: [Int: String] = [
        5001: "ReferToCardIssuer", 5003: "InvalidMerchant", 5004: "PickUpCard", 5005: "DoNotHonor",
        5006: "Error", 5012: "InvalidTransaction", 5013: "AmountError", 5014: "InvalidCardNumber",
        5015: "NoSuchIssuer", 5017: "CustomerCancellation", 5030: "FormatError",
        5031: "BankNotSupportedBySwitch", 5034: "SuspectedFraud", 5041: "LostCard", 5043: "StolenCard",
        5051: "InsufficientFunds", 5054: "ExpiredCard", 5055: "InvalidPIN", 5057: "TransactionNotPermitted",
        5065: "ExceedWithdrawalFrequency", 5082: "IncorrectCVV", 5091: "Timeout", 5092: "CannotReachNetwork",
        5096: "SystemError", 5204: "UnableToProcess", 5206: "AuthenticationFailed",
        5207: "AuthenticationUnavailable", 5300: "AntiFraud", 6025: "CrossTerminalTokenRestriction",
    ]
}
