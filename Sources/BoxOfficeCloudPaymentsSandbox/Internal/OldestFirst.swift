/// Elements in the order they were added, for evicting the oldest: appends and removals at the
/// front are O(1) (the consumed prefix is dropped in one move once it is half the storage).
struct OldestFirst<Element> {
    private var storage: [Element] = []
    private var start = 0

    var count: Int { storage.count - start }
    var isEmpty: Bool { count == 0 }
    var first: Element? { start < storage.count ? storage[start] : nil }
    var elements: ArraySlice<Element> { storage[start...] }

    mutating func append(_ element: Element) { storage.append(element) }

    mutating func removeFirst() -> Element? {
        guard start < storage.count else { return nil }
        let element = storage[start]
        start += 1
        self.compactIfWorthIt()
        return element
    }

    /// Removes and returns the oldest element `preferred` accepts, or else the oldest of all.
    ///
    /// The scan stops at the first accepted element, so when the oldest ones are accepted (the
    /// usual case: old things are finished) it costs O(1).
    mutating func removeOldest(preferring preferred: (Element) -> Bool) -> Element? {
        guard let offset = storage[start...].firstIndex(where: preferred) else { return self.removeFirst() }
        if offset == start { return self.removeFirst() }
        return storage.remove(at: offset)
    }

    private mutating func compactIfWorthIt() {
        if start >= 1024, start * 2 >= storage.count {
            storage.removeFirst(start)
            start = 0
        }
    }
}
