/// The answer of a token charge or auth, or of post3ds: approved or declined (no 3-D Secure).
public enum PaymentResult: Hashable, Sendable {
    /// `Success:true`: the money was taken (charge) or held (auth).
    case approved(Transaction)
    /// `Success:false`, `Message:null`, a transaction Model with `ReasonCode != 0`.
    case declined(Transaction)
}
