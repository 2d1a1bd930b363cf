#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One arena first block per thread, kept between encodes and decodes. A thread-specific slot
/// rather than a shared pool: no lock, and a block never moves between threads while in use.
/// A nested arena on the same thread (none today) finds the slot empty and allocates its own.
enum FirstBlockCache {
    /// The slot; its destructor frees the block when the thread ends.
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        #if canImport(Glibc)
            let status = pthread_key_create(&key) { $0?.deallocate() }
        #else
            let status = pthread_key_create(&key) { $0.deallocate() }
        #endif
        precondition(status == 0, "pthread_key_create failed")
        return key
    }()

    /// The thread's block, or a new one; `byteCount` is the same at every call.
    static func take(byteCount: Int) -> UnsafeMutableRawPointer {
        if let block = pthread_getspecific(Self.key) {
            pthread_setspecific(Self.key, nil)
            return block
        }
        return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: ProtobufArena.alignment)
    }

    /// Returns a block taken with ``take(byteCount:)`` to the thread's slot (or frees it when the
    /// slot was filled meanwhile).
    static func give(_ block: UnsafeMutableRawPointer) {
        if pthread_getspecific(Self.key) == nil, pthread_setspecific(Self.key, block) == 0 { return }
        block.deallocate()
    }
}
