/// The provider's "3-D Secure needed" answer: send the payer's browser to ``acsURL`` with `MD`
/// = ``transactionId``, `PaReq` = ``paReq`` and our `TermUrl`, then call `post3ds` with the
/// `PaRes` the bank posts back.
public struct ThreeDSChallenge: Hashable, Sendable {
    /// `TransactionId`; the `MD` of the 3-D Secure form and post3ds's `TransactionId`.
    public var transactionId: Int64
    /// `PaReq`.
    public var paReq: String
    /// `AcsUrl`: the issuer's page.
    public var acsURL: String
    /// `ThreeDsSessionData`, when sent.
    public var threeDsSessionData: String?
    /// `IFrameIsAllowed`, when sent.
    public var iFrameIsAllowed: Bool?

    /// Creates a challenge.
    public init(
        transactionId: Int64,
        paReq: String,
        acsURL: String,
        threeDsSessionData: String? = nil,
        iFrameIsAllowed: Bool? = nil
    ) {
        self.transactionId = transactionId
        self.paReq = paReq
        self.acsURL = acsURL
        self.threeDsSessionData = threeDsSessionData
        self.iFrameIsAllowed = iFrameIsAllowed
    }
}
