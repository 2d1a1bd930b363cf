public import CProtobufC

/// The address of a message's protobuf-c descriptor, read once from a struct that protoc-c's
/// `…__init` initialized (Swift cannot take the address of an imported C constant).
public struct ProtobufCDescriptor: @unchecked Sendable {  // points to immutable static C data
    public let pointer: UnsafePointer<ProtobufCMessageDescriptor>

    public init<C>(_ type: C.Type, initialize: (UnsafeMutablePointer<C>?) -> Void) {
        let message = UnsafeMutablePointer<C>.allocate(capacity: 1)
        defer { message.deallocate() }
        // protoc-c's init assigns the whole struct from a static initializer, so the memory may
        // be uninitialized before; `base` is the struct's first member.
        initialize(message)
        self.pointer = UnsafeRawPointer(message).load(as: ProtobufCMessage.self).descriptor
    }
}
