/// The answer of a card charge or auth: one of the envelope's three payment outcomes.
///
/// The fourth case, an invalid request (`Success:false` with a `Message`), is thrown as
/// ``CloudPaymentsError`` `.requestInvalid`: no payment was attempted.
public enum ChargeResult: Hashable, Sendable {
    /// `Success:true`: the money was taken (charge) or held (auth).
    case approved(Transaction)
    /// `Success:false`, `Message:null`, a Model with `PaReq` and `AcsUrl` and no `ReasonCode`.
    case requires3DS(ThreeDSChallenge)
    /// `Success:false`, `Message:null`, a transaction Model with `ReasonCode != 0`.
    case declined(Transaction)
}
