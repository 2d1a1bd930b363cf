import FoundationEssentials

/// The sandbox's test card cryptogram, standing in for the one the provider's browser widget makes.
///
/// Format: the prefix `SBX1:` followed by standard base64 (with padding) of the UTF-8 JSON object
/// `{"card":"4242424242424242","exp":"12/30","cvv":"123"}` — `card` the digits only, `exp`
/// `MM/YY`, `cvv` as typed. The sandbox refuses any other `CardCryptogramPacket` with
/// `Success:false` and a `Message`. It is not encrypted: it only ever carries test cards.
public struct SandboxCryptogram: Sendable, Hashable {
    /// The version prefix every sandbox cryptogram starts with.
    public static let prefix = "SBX1:"
    /// Longer packets are refused before decoding.
    static let packetBytesMax = 4096

    /// The card number, digits only.
    public var cardNumber: String
    /// The expiry as `MM/YY`.
    public var expiry: String
    /// The card verification value.
    public var cvv: String

    /// A cryptogram for a card; spaces in `cardNumber` are dropped.
    public init(cardNumber: String, expiry: String, cvv: String) {
        self.cardNumber = cardNumber.filter { $0 != " " }
        self.expiry = expiry
        self.cvv = cvv
    }

    /// The `CardCryptogramPacket` value.
    public var packet: String {
        let json = JSONValue.object([
            ("card", .string(cardNumber)), ("exp", .string(expiry)), ("cvv", .string(cvv)),
        ])
        return Self.prefix + Data(json.serialized().utf8).base64EncodedString()
    }

    /// Parses a packet; nil when it is not a sandbox cryptogram.
    public init?(packet: String) {
        guard packet.utf8.count <= Self.packetBytesMax, packet.hasPrefix(Self.prefix),
            let data = Data(base64Encoded: String(packet.dropFirst(Self.prefix.count))),
            let json = try? JSONParser.parse(Array(data)),
            case .string(let card)? = json["card"], case .string(let expiry)? = json["exp"],
            case .string(let cvv)? = json["cvv"]
        else { return nil }
        self.init(cardNumber: card, expiry: expiry, cvv: cvv)
    }

    /// The expiry's month and two-digit year, when it reads as `MM/YY`.
    var expiryMonthYear: (month: Int, year: Int)? {
        let parts = expiry.split(separator: "/")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let month = Int(parts[0]),
            let year = Int(parts[1]), (1...12).contains(month)
        else { return nil }
        return (month, year)
    }
}
