/// The statements a connection has prepared, by SQL text, evicting the least recently used.
///
/// Preparing once and then only binding and executing skips the server's parse and plan on
/// every repeat, which is what `pgbench -M prepared` measures.
struct PreparedStatementCache {
    struct Statement {
        var name: String
        var parameterTypes: [UInt32]
        var lastUsed: UInt64
    }

    /// The most statements one connection keeps prepared on the server.
    static let statementsMaxDefault = 256

    let statementsMax: Int
    private var statements: [String: Statement] = [:]
    private var clock: UInt64 = 0
    private var nameCounter = 0

    init(statementsMax: Int = Self.statementsMaxDefault) {
        precondition(statementsMax > 0)
        self.statementsMax = statementsMax
    }

    var count: Int { self.statements.count }

    /// The statement prepared for `sql` with these parameter types, marked as just used.
    mutating func lookUp(sql: String, parameterTypes: [UInt32]) -> String? {
        self.clock += 1
        let clock = self.clock
        guard let index = self.statements.index(forKey: sql),
            self.statements.values[index].parameterTypes == parameterTypes
        else { return nil }
        self.statements.values[index].lastUsed = clock
        return self.statements.values[index].name
    }

    /// A fresh statement name to prepare `sql` under.
    mutating func nextName() -> String {
        self.nameCounter += 1
        return "boxoffice_\(self.nameCounter)"
    }

    /// Records a prepared statement; returns the name of one to deallocate, if the cache was full
    /// or `sql` had been prepared before with other parameter types.
    mutating func insert(sql: String, name: String, parameterTypes: [UInt32]) -> String? {
        self.clock += 1
        let replaced = self.statements.updateValue(
            Statement(name: name, parameterTypes: parameterTypes, lastUsed: self.clock),
            forKey: sql
        )
        if let replaced { return replaced.name }
        guard self.statements.count > self.statementsMax else { return nil }
        // Linear, but only on eviction, which a steady workload never reaches.
        let oldest = self.statements.min { $0.value.lastUsed < $1.value.lastUsed }!
        self.statements.removeValue(forKey: oldest.key)
        return oldest.value.name
    }

    /// Forgets `sql` (its plan went stale, e.g. after a schema change); returns the name.
    mutating func remove(sql: String) -> String? {
        self.statements.removeValue(forKey: sql)?.name
    }

    mutating func removeAll() { self.statements.removeAll() }
}
