/// A generated enum. Proto3 enums are open: numbers a build does not know are kept as
/// `unrecognized(Int32)` and encode back unchanged.
public protocol ProtobufEnum: Hashable, Sendable {
    /// The value numbered zero, the proto3 default.
    init()
    /// The value for a number; unknown numbers are kept.
    init(rawValue: Int32)
    /// The protobuf number.
    var rawValue: Int32 { get }
    /// The name in the `.proto` file; nil for numbers the build does not know.
    var protoName: String? { get }
    /// The value named in the `.proto` file, as proto3 JSON writes it.
    init?(protoName: String)
}
