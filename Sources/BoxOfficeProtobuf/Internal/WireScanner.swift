import BoxOfficeRPC
import CProtobufC

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Walks the wire format with the message's descriptor before protobuf-c unpacks it, to refuse
/// nesting deeper than ``ProtobufLimits/nestingDepthMax``: protobuf-c's unpack recurses without
/// bound.
struct WireScanner {
    let bytes: UnsafeRawBufferPointer

    func scan(descriptor: UnsafePointer<ProtobufCMessageDescriptor>, depth: Int) throws(RPCError) {
        try self.scan(from: 0, to: self.bytes.count, descriptor: descriptor, depth: depth)
    }

    private func scan(
        from start: Int,
        to end: Int,
        descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        depth: Int
    ) throws(RPCError) {
        var index = start
        while index < end {
            let tag = try self.varint(&index, end: end)
            let number = tag >> 3
            switch tag & 7 {
            case 0: _ = try self.varint(&index, end: end)
            case 1: try self.skip(&index, 8, end: end)
            case 5: try self.skip(&index, 4, end: end)
            case 2:
                let length = try self.varint(&index, end: end)
                guard length <= UInt64(end - index) else { throw self.malformed(descriptor) }
                let fieldStart = index
                index += Int(length)
                guard number <= UInt64(UInt32.max),
                    let field = protobuf_c_message_descriptor_get_field(descriptor, UInt32(number))
                else { continue }
                if field.pointee.type == PROTOBUF_C_TYPE_MESSAGE {
                    guard depth < ProtobufLimits.nestingDepthMax else {
                        throw RPCError(
                            code: .invalidArgument,
                            message: "messages nest deeper than \(ProtobufLimits.nestingDepthMax) levels"
                        )
                    }
                    let nested = field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                    try self.scan(from: fieldStart, to: index, descriptor: nested, depth: depth + 1)
                }
            default:
                // Groups (wire types 3 and 4) do not exist in proto3.
                throw self.malformed(descriptor)
            }
        }
    }

    private func varint(_ index: inout Int, end: Int) throws(RPCError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < end, shift < 64 {
            let byte = self.bytes[index]
            index += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw RPCError(code: .invalidArgument, message: "malformed protobuf varint")
    }

    private func skip(_ index: inout Int, _ count: Int, end: Int) throws(RPCError) {
        guard count <= end - index else {
            throw RPCError(code: .invalidArgument, message: "truncated protobuf field")
        }
        index += count
    }

    private func malformed(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> RPCError {
        RPCError(
            code: .invalidArgument,
            message: "malformed protobuf encoding of \(String(cString: descriptor.pointee.name))"
        )
    }
}
