public import CProtobufC

/// A bump allocator for one encode or decode: protobuf-c's allocator while unpacking, and the
/// scratch space of the C structs built for packing. Everything is freed at once when the
/// operation ends, so a decode costs no `free` per string or sub-message.
///
/// The first block lives on the stack (or the task's allocator); larger messages chain heap
/// blocks. An arena is only valid inside ``with(_:)``.
public struct ProtobufArena {
    @usableFromInline
    struct State {
        @usableFromInline var cursor: UnsafeMutableRawPointer
        @usableFromInline var end: UnsafeMutableRawPointer
        /// Heap blocks, each starting with the pointer to the previous one.
        var blocks: UnsafeMutableRawPointer?
        var heapBytes: Int
        var limitExceeded: Bool
    }

    /// The first block, kept per thread between operations (see ``FirstBlockCache``).
    static let firstBlockBytes = 8 * 1024
    /// Heap blocks are at least this large.
    static let heapBlockBytesMin = 32 * 1024
    /// Every allocation is aligned to this (enough for any protobuf-c member).
    @usableFromInline static let alignment = 16

    @usableFromInline let state: UnsafeMutablePointer<State>

    init(state: UnsafeMutablePointer<State>) {
        self.state = state
    }

    /// Runs `body` with a fresh arena and frees all its memory afterwards.
    @inlinable
    public static func with<R, E: Error>(_ body: (ProtobufArena) throws(E) -> R) throws(E) -> R {
        let arena = Self.begin()
        defer { arena.end() }
        return try body(arena)
    }

    @usableFromInline
    static func begin() -> ProtobufArena {
        // The first block is reused from the thread's cache: `withUnsafeTemporaryAllocation` of
        // 8 KiB is not on the stack on Linux, and an aligned malloc + free of it cost about as
        // much as packing the whole benchmark invoice.
        let block = FirstBlockCache.take(byteCount: Self.firstBlockBytes + MemoryLayout<State>.stride)
        let state = block.bindMemory(to: State.self, capacity: 1)
        let first = block + MemoryLayout<State>.stride
        state.initialize(
            to: State(cursor: first, end: first + Self.firstBlockBytes, blocks: nil, heapBytes: 0, limitExceeded: false)
        )
        return ProtobufArena(state: state)
    }

    /// Frees the heap blocks and gives the first block (where the state lives) back.
    @usableFromInline
    func end() {
        self.releaseBlocks()
        FirstBlockCache.give(UnsafeMutableRawPointer(self.state))
    }

    /// True when an allocation was refused for passing ``ProtobufLimits/decodeArenaBytesMax``.
    public var limitExceeded: Bool { self.state.pointee.limitExceeded }

    /// `byteCount` bytes aligned to 16; nil past ``ProtobufLimits/decodeArenaBytesMax``.
    @inlinable @inline(__always)
    public func allocateIfPossible(byteCount: Int) -> UnsafeMutableRawPointer? {
        let rounded = (byteCount + Self.alignment - 1) & ~(Self.alignment - 1)
        let cursor = self.state.pointee.cursor
        if rounded <= self.state.pointee.end - cursor {
            self.state.pointee.cursor = cursor + rounded
            return cursor
        }
        return self.allocateSlowly(byteCount: rounded)
    }

    /// `byteCount` bytes aligned to 16. Encoding builds structs from values already in memory, so
    /// the limit cannot be reached there; passing it is a programmer error.
    @inlinable @inline(__always)
    public func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard let pointer = self.allocateIfPossible(byteCount: byteCount) else {
            preconditionFailure("protobuf arena limit exceeded while encoding")
        }
        return pointer
    }

    @usableFromInline
    func allocateSlowly(byteCount: Int) -> UnsafeMutableRawPointer? {
        let blockBytes = max(byteCount, Self.heapBlockBytesMin, self.state.pointee.heapBytes)
        guard self.state.pointee.heapBytes + blockBytes <= ProtobufLimits.decodeArenaBytesMax else {
            self.state.pointee.limitExceeded = true
            return nil
        }
        let block = UnsafeMutableRawPointer.allocate(byteCount: blockBytes + Self.alignment, alignment: Self.alignment)
        block.storeBytes(of: self.state.pointee.blocks, as: UnsafeMutableRawPointer?.self)
        self.state.pointee.blocks = block
        self.state.pointee.heapBytes += blockBytes
        let start = block + Self.alignment
        self.state.pointee.cursor = start + byteCount
        self.state.pointee.end = start + blockBytes
        return start
    }

    private func releaseBlocks() {
        var block = self.state.pointee.blocks
        while let current = block {
            block = current.load(as: UnsafeMutableRawPointer?.self)
            current.deallocate()
        }
    }

    /// A protobuf-c allocator drawing from this arena; its `free` does nothing. Each allocation
    /// is preceded by its size (``allocationSize(of:)``): protobuf-c allocates a string of `n`
    /// bytes as `n + 1`, so the conversion to Swift knows every string's real length and can
    /// refuse an embedded NUL that the C string would otherwise silently cut off.
    public var allocator: ProtobufCAllocator {
        ProtobufCAllocator(
            alloc: { data, size in
                let arena = ProtobufArena(state: data!.assumingMemoryBound(to: State.self))
                guard let block = arena.allocateIfPossible(byteCount: size + ProtobufArena.alignment) else {
                    return nil
                }
                block.storeBytes(of: size, as: Int.self)
                return block + ProtobufArena.alignment
            },
            free: { _, _ in },
            allocator_data: UnsafeMutableRawPointer(self.state)
        )
    }

    /// The size protobuf-c asked for when it allocated `pointer` through ``allocator``.
    @inlinable
    public static func allocationSize(of pointer: UnsafeRawPointer) -> Int {
        pointer.load(fromByteOffset: -Self.alignment, as: Int.self)
    }

    // MARK: Building C structs (for generated code)

    /// A NUL-terminated copy of `string`.
    @inlinable @inline(__always)
    public func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            let pointer = self.allocate(byteCount: utf8.count + 1)
            if let base = utf8.baseAddress { pointer.copyMemory(from: base, byteCount: utf8.count) }
            pointer.storeBytes(of: 0, toByteOffset: utf8.count, as: UInt8.self)
            return pointer.assumingMemoryBound(to: CChar.self)
        }
    }

    /// An array of NUL-terminated copies; adds their encoded bytes (each with a `tagBytes` tag)
    /// to `size`.
    @inlinable
    public func cStrings(
        _ strings: [String],
        tagBytes: Int,
        size: inout Int
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let pointers = self.allocate(byteCount: strings.count * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)
            .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: strings.count)
        for index in strings.indices {
            pointers[index] = self.cString(strings[index])
            size &+= ProtobufEncoding.delimitedBytes(tagBytes: tagBytes, count: strings[index].utf8.count)
        }
        return pointers
    }

    /// A copy of `bytes` as protobuf-c's bytes value.
    @inlinable
    public func binary(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        let pointer = self.allocate(byteCount: bytes.count)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { pointer.copyMemory(from: base, byteCount: $0.count) } }
        return ProtobufCBinaryData(len: bytes.count, data: pointer.assumingMemoryBound(to: UInt8.self))
    }

    /// A copy of values whose Swift and C layouts match (integers, floating point).
    @inlinable
    public func copy<T: BitwiseCopyable>(_ values: [T]) -> UnsafeMutablePointer<T> {
        let pointer = self.allocate(byteCount: values.count * MemoryLayout<T>.stride)
        values.withUnsafeBytes { if let base = $0.baseAddress { pointer.copyMemory(from: base, byteCount: $0.count) } }
        return pointer.assumingMemoryBound(to: T.self)
    }

    /// A C array of `values` converted one by one.
    @inlinable
    public func array<T, C>(_ values: [T], _ convert: (T) -> C) -> UnsafeMutablePointer<C> {
        let pointer = self.allocate(byteCount: values.count * MemoryLayout<C>.stride)
            .bindMemory(to: C.self, capacity: values.count)
        for index in values.indices { (pointer + index).initialize(to: convert(values[index])) }
        return pointer
    }

    /// A C struct initialized by protoc-c's `…__init`.
    @inlinable
    public func message<C>(_ initialize: (UnsafeMutablePointer<C>?) -> Void) -> UnsafeMutablePointer<C> {
        let pointer = self.allocate(byteCount: MemoryLayout<C>.stride).bindMemory(to: C.self, capacity: 1)
        initialize(pointer)
        return pointer
    }

    /// A C struct initialized by protoc-c's `…__init`, then filled.
    @inlinable
    public func message<C>(
        _ initialize: (UnsafeMutablePointer<C>?) -> Void,
        _ fill: (UnsafeMutablePointer<C>) -> Void
    ) -> UnsafeMutablePointer<C> {
        let pointer = self.message(initialize)
        fill(pointer)
        return pointer
    }

    /// A C array of pointers to structs, one per value; `fill` returns the encoded bytes of one
    /// element (tag and length included), which are added to `size`.
    @inlinable
    public func messages<T, C>(
        _ values: [T],
        _ initialize: (UnsafeMutablePointer<C>?) -> Void,
        size: inout Int,
        _ fill: (T, UnsafeMutablePointer<C>) -> Int
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<C>?> {
        let count = values.count
        let pointers = self.allocate(byteCount: count * MemoryLayout<UnsafeMutablePointer<C>?>.stride)
            .bindMemory(to: UnsafeMutablePointer<C>?.self, capacity: count)
        // One allocation for all structs: fewer bump calls and better locality when packing.
        let stride = (MemoryLayout<C>.stride + Self.alignment - 1) & ~(Self.alignment - 1)
        let structs = self.allocate(byteCount: count * stride)
        for index in 0..<count {
            let pointer = (structs + index * stride).bindMemory(to: C.self, capacity: 1)
            initialize(pointer)
            size &+= fill(values[index], pointer)
            pointers[index] = pointer
        }
        return pointers
    }
}
