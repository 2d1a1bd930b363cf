public import BoxOfficeRPC
public import CProtobufC
public import CProtobufSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decoding entry points for generated code: limits first, then protobuf-c's unpack into one
/// arena, then conversion to Swift values with UTF-8 validation.
public enum ProtobufDecoding {
    /// Decodes untrusted `bytes` as the message of `descriptor`. `scanNesting` is false when the
    /// message's types cannot nest deeper than ``ProtobufLimits/nestingDepthMax`` whatever the
    /// input (the generator knows: no type reaches itself), which spares a pass over the bytes.
    ///
    /// - Throws: `RESOURCE_EXHAUSTED` when the input is larger than
    ///   ``ProtobufLimits/messageBytesMax`` or would need more than
    ///   ``ProtobufLimits/decodeArenaBytesMax``; `INVALID_ARGUMENT` for malformed input,
    ///   nesting deeper than ``ProtobufLimits/nestingDepthMax``, strings with invalid UTF-8 or NUL.
    @inlinable
    public static func decode<C, Message>(
        _ bytes: UnsafeRawBufferPointer,
        descriptor: ProtobufCDescriptor,
        scanNesting: Bool = true,
        _ convert: (UnsafePointer<C>) throws(RPCError) -> Message
    ) throws(RPCError) -> Message {
        try self.check(bytes, descriptor: descriptor, scanNesting: scanNesting)
        return try ProtobufArena.with { arena throws(RPCError) -> Message in
            var allocator = arena.allocator
            let data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            guard let message = protobuf_c_message_unpack(descriptor.pointer, &allocator, bytes.count, data) else {
                throw arena.limitExceeded ? self.tooLarge(descriptor) : self.malformed(descriptor)
            }
            return try convert(UnsafeRawPointer(message).assumingMemoryBound(to: C.self))
        }
    }

    /// The checks protobuf-c does not make, on the wire bytes before unpacking.
    @usableFromInline
    static func check(
        _ bytes: UnsafeRawBufferPointer,
        descriptor: ProtobufCDescriptor,
        scanNesting: Bool
    ) throws(RPCError) {
        guard bytes.count <= ProtobufLimits.messageBytesMax else { throw self.tooLarge(descriptor) }
        // Each level of nesting costs at least two bytes (tag and length).
        guard scanNesting, bytes.count / 2 > ProtobufLimits.nestingDepthMax else { return }
        let scanner = WireScanner(bytes: bytes)
        try scanner.scan(descriptor: descriptor.pointer, depth: 1)
    }

    @usableFromInline
    static func tooLarge(_ descriptor: ProtobufCDescriptor) -> RPCError {
        RPCError(
            code: .resourceExhausted,
            message: "\(String(cString: descriptor.pointer.pointee.name)) is larger than the decoding limits"
        )
    }

    @usableFromInline
    static func malformed(_ descriptor: ProtobufCDescriptor) -> RPCError {
        RPCError(
            code: .invalidArgument,
            message: "malformed protobuf encoding of \(String(cString: descriptor.pointer.pointee.name))"
        )
    }

    // MARK: Conversions (for generated code)

    /// A Swift string from protobuf-c's copy in the decoding arena, validated as UTF-8 (protobuf-c
    /// does not validate) and free of NUL; throws `INVALID_ARGUMENT` naming `field`.
    public static func string(_ pointer: UnsafePointer<CChar>?, field: StaticString) throws(RPCError) -> String {
        // Absent strings point to protobuf-c's static empty string; present ones (even empty or
        // starting with NUL) to the arena, where the size header below is.
        guard let pointer else { return "" }
        if pointer.pointee == 0, UInt(bitPattern: pointer) == Self.absentStringAddress { return "" }
        // One pass: `String(validatingCString:)` measures (strlen), validates and copies, and is
        // not generic (the generic `String(validating:as:)` spent most of its time in metadata
        // look-ups). A shorter string than protobuf-c allocated means an embedded NUL, which the
        // C string would otherwise cut off silently.
        guard let string = String(validatingCString: pointer) else {
            throw RPCError.invalidArgument(field: "\(field)", reason: "invalid UTF-8")
        }
        guard string.utf8.count == ProtobufArena.allocationSize(of: pointer) - 1 else {
            throw RPCError.invalidArgument(field: "\(field)", reason: "string holds a NUL character")
        }
        return string
    }

    /// The address of `protobuf_c_empty_string`, the value of a string field absent from the input (the C array
    /// is not imported; protoc-c's initializers set it).
    @usableFromInline
    static let absentStringAddress: UInt = {
        var message = Google__Protobuf__StringValue()
        google__protobuf__string_value__init(&message)
        return UInt(bitPattern: message.value)
    }()

    /// Strings of a repeated field.
    public static func strings(
        _ pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        count: Int,
        field: StaticString
    ) throws(RPCError) -> [String] {
        guard let pointers, count > 0 else { return [] }
        var result: [String] = []
        result.reserveCapacity(count)
        for index in 0..<count { result.append(try self.string(pointers[index], field: field)) }
        return result
    }

    /// A copy of a bytes value.
    @inlinable
    public static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let base = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: base, count: data.len))
    }

    /// A copy of a repeated field whose Swift and C layouts match.
    @inlinable
    public static func array<T>(_ values: UnsafeMutablePointer<T>?, count: Int) -> [T] {
        guard let values, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: values, count: count))
    }

    /// A repeated field converted element by element.
    @inlinable
    public static func array<C, T>(
        _ values: UnsafeMutablePointer<C>?,
        count: Int,
        _ convert: (C) throws(RPCError) -> T
    ) throws(RPCError) -> [T] {
        guard let values, count > 0 else { return [] }
        var result: [T] = []
        result.reserveCapacity(count)
        for index in 0..<count { result.append(try convert(values[index])) }
        return result
    }

    /// A singular message field: nil when absent.
    @inlinable
    public static func message<C, T>(
        _ pointer: UnsafeMutablePointer<C>?,
        _ convert: (UnsafePointer<C>) throws(RPCError) -> T
    ) throws(RPCError) -> T? {
        guard let pointer else { return nil }
        return try convert(pointer)
    }

    /// A repeated message field.
    @inlinable
    public static func messages<C, T>(
        _ pointers: UnsafeMutablePointer<UnsafeMutablePointer<C>?>?,
        count: Int,
        _ convert: (UnsafePointer<C>) throws(RPCError) -> T
    ) throws(RPCError) -> [T] {
        guard let pointers, count > 0 else { return [] }
        var result: [T] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let pointer = pointers[index] else { continue }
            result.append(try convert(pointer))
        }
        return result
    }

    /// A `google.protobuf.Timestamp`, nil when absent.
    @inlinable
    public static func timestamp(_ pointer: UnsafeMutablePointer<Google__Protobuf__Timestamp>?) -> ProtobufTimestamp? {
        guard let pointer else { return nil }
        return ProtobufTimestamp(seconds: pointer.pointee.seconds, nanos: pointer.pointee.nanos)
    }
}
