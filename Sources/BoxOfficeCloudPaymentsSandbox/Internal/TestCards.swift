/// The provider's test-card table, exactly as CLOUDPAYMENTS.md gives it, and the sandbox's own
/// triggers for every other decline code.
///
/// Triggers, in the order they are checked for a card payment (cryptogram or hosted page):
/// 1. a number failing the Luhn check → 5014 `InvalidCardNumber`;
/// 2. an expiry before the current month (on the sandbox clock) → 5054 `ExpiredCard`;
/// 3. a CVV that is not 3 or 4 digits → 5082 `IncorrectCVV`;
/// 4. a card listed in ``SandboxConfiguration/cardReasonCodes`` → that code;
/// 5. an **amount trigger**: an amount whose fraction is `.13` and whose whole part is a known
///    reason code (`5054.13` → 5054, `5300.13` → 5300) → that code; this applies to token
///    payments too;
/// 6. the test-card table (3-D Secure, then the table's outcome);
/// 7. any other Luhn-valid card: approved, without 3-D Secure.
enum TestCards {
    /// The outcome of a card in the table.
    struct Behaviour: Sendable {
        var threeDSecure: Bool
        /// Reason code of a card payment (0 = approved).
        var cardPaymentCode: Int
        /// Reason code of a token payment (0 = approved); the table's "—" rows never issue a
        /// token, so their value is never used.
        var tokenPaymentCode: Int
    }

    static let fractionTriggerMinor: Int64 = 13

    static let table: [String: Behaviour] = {
        var table: [String: Behaviour] = [:]
        func add(_ numbers: [String], _ behaviour: Behaviour) {
            for number in numbers { table[number] = behaviour }
        }
        add(
            ["4242424242424242", "5555555555554444", "2200000000000004"],
            Behaviour(threeDSecure: true, cardPaymentCode: 0, tokenPaymentCode: 0)
        )
        add(
            ["4012888888881881", "5105105105105100", "2202202202202200"],
            Behaviour(threeDSecure: true, cardPaymentCode: 5051, tokenPaymentCode: 5051)
        )
        add(
            ["4000000000003055", "5205000000003055", "2202000000003055"],
            Behaviour(threeDSecure: false, cardPaymentCode: 0, tokenPaymentCode: 0)
        )
        add(
            ["4111111111111111", "5200828282828210", "2200000022222222"],
            Behaviour(threeDSecure: false, cardPaymentCode: 0, tokenPaymentCode: 5051)
        )
        add(
            ["4000056655665556", "5404000000000043", "2203000000000043"],
            Behaviour(threeDSecure: false, cardPaymentCode: 5051, tokenPaymentCode: 5051)
        )
        return table
    }()

    static let ordinary = Behaviour(threeDSecure: false, cardPaymentCode: 0, tokenPaymentCode: 0)

    static func behaviour(_ number: String) -> Behaviour { Self.table[number] ?? Self.ordinary }

    /// The reason code an amount triggers, if any (rule 5 above).
    static func amountTrigger(_ amountMinor: Int64) -> Int? {
        guard amountMinor % Money.minorPerMajor == Self.fractionTriggerMinor else { return nil }
        let whole = Int(amountMinor / Money.minorPerMajor)
        return whole != 0 && ReasonCode.names[whole] != nil ? whole : nil
    }

    static func luhnValid(_ number: String) -> Bool {
        let digits = number.compactMap(\.wholeNumberValue)
        guard digits.count == number.count, (12...19).contains(digits.count) else { return false }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    /// `CardType` and `CardTypeCode` by the number's prefix: 2200–2204 Mir, other 2 and 5 MasterCard,
    /// 4 Visa. The codes are the sandbox's own (*unverified* against the provider's numbering).
    static func cardType(_ number: String) -> (name: String, code: Int) {
        if let prefix = Int(number.prefix(4)), (2200...2204).contains(prefix) { return ("Mir", 4) }
        switch number.first {
        case "4": return ("Visa", 0)
        case "5", "2": return ("MasterCard", 1)
        case "6": return ("Maestro", 2)
        default: return ("Unknown", -1)
        }
    }
}
