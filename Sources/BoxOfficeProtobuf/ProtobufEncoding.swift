public import CProtobufC

/// Encoding entry points for generated code.
public enum ProtobufEncoding {
    /// Builds the C struct of a message in an arena with `fill`, then packs it with protobuf-c
    /// directly into `buffer`'s storage. `fill` returns an upper bound of the encoded size, which
    /// sizes a new buffer without protobuf-c's `get_packed_size` (a second walk of the whole
    /// struct tree, with a `strlen` per string).
    @inlinable
    public static func encode<C>(
        into buffer: inout [UInt8],
        initialize: (UnsafeMutablePointer<C>?) -> Void,
        _ fill: (UnsafeMutablePointer<C>, ProtobufArena) -> Int
    ) {
        ProtobufArena.with { arena in
            let struct_: UnsafeMutablePointer<C> = arena.message(initialize)
            let sizeBound = fill(struct_, arena)
            // Every protoc-c struct starts with its ProtobufCMessage header.
            let message = UnsafeRawPointer(struct_).assumingMemoryBound(to: ProtobufCMessage.self)
            // Debug builds (all tests) check the generator's bound against protobuf-c's own count.
            assert(protobuf_c_message_get_packed_size(message) <= sizeBound, "encoded size bound too small")
            if buffer.isEmpty {
                buffer = [UInt8](unsafeUninitializedCapacity: sizeBound) { storage, count in
                    guard let base = storage.baseAddress else { return }
                    count = protobuf_c_message_pack(message, base)
                    // Past the bound, memory would already be overwritten: stop rather than go on.
                    precondition(count <= sizeBound, "protobuf-c packed past the encoded size bound")
                }
            } else {
                let size = protobuf_c_message_get_packed_size(message)
                let start = buffer.count
                buffer.append(contentsOf: repeatElement(0, count: size))
                buffer.withUnsafeMutableBufferPointer { storage in
                    _ = protobuf_c_message_pack(message, storage.baseAddress! + start)
                }
            }
        }
    }

    /// Bytes of `value` as a varint (1 to 10).
    @inlinable @inline(__always)
    public static func varintBytes(_ value: UInt64) -> Int {
        (64 &- (value | 1).leadingZeroBitCount &+ 6) / 7
    }

    /// Bytes of a signed value as protobuf-c writes an `int32`, `int64` or enum: sign-extended to
    /// 64 bits, so negative values take ten bytes.
    @inlinable @inline(__always)
    public static func varintBytes(_ value: Int64) -> Int {
        Self.varintBytes(UInt64(bitPattern: value))
    }

    /// Bytes of a length-delimited field: its tag, the length varint and `count` bytes.
    @inlinable @inline(__always)
    public static func delimitedBytes(tagBytes: Int, count: Int) -> Int {
        tagBytes &+ Self.varintBytes(UInt64(count)) &+ count
    }

    /// At most the bytes of a repeated scalar field of `count` elements of at most
    /// `elementBytesMax` bytes, packed (one tag and a length) or not (a tag per element).
    @inlinable @inline(__always)
    public static func repeatedBytes(tagBytes: Int, count: Int, elementBytesMax: Int) -> Int {
        tagBytes &+ 10 &+ count &* (tagBytes &+ elementBytesMax)
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
