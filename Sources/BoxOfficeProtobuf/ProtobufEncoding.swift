public import CProtobufC

/// Encoding entry points for generated code.
public enum ProtobufEncoding {
    /// Builds the C struct of a message in an arena with `fill`, then packs it with protobuf-c
    /// directly into `buffer`'s storage.
    @inlinable
    public static func encode<C>(
        into buffer: inout [UInt8],
        initialize: (UnsafeMutablePointer<C>?) -> Void,
        _ fill: (UnsafeMutablePointer<C>, ProtobufArena) -> Void
    ) {
        ProtobufArena.with { arena in
            // Every protoc-c struct starts with its ProtobufCMessage header.
            let message = UnsafeRawPointer(arena.message(initialize) { fill($0, arena) })
                .assumingMemoryBound(to: ProtobufCMessage.self)
            let size = protobuf_c_message_get_packed_size(message)
            if buffer.isEmpty {
                buffer = [UInt8](unsafeUninitializedCapacity: size) { storage, count in
                    count = protobuf_c_message_pack(message, storage.baseAddress)
                }
            } else {
                let start = buffer.count
                buffer.append(contentsOf: repeatElement(0, count: size))
                buffer.withUnsafeMutableBufferPointer { storage in
                    _ = protobuf_c_message_pack(message, storage.baseAddress! + start)
                }
            }
        }
    }

    /// Map keys in order, so that equal maps encode to equal bytes.
    @inlinable
    public static func sortedKeys<Key: Comparable, Value>(_ map: [Key: Value]) -> [Key] {
        map.keys.sorted()
    }

    /// `false` before `true`.
    @inlinable
    public static func sortedKeys<Value>(_ map: [Bool: Value]) -> [Bool] {
        [false, true].filter { map[$0] != nil }
    }
}
