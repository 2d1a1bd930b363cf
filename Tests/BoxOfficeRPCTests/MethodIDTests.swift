import BoxOfficeRPC
import Testing

/// Method ids are on the wire: a change of the id function would make every deployed client and
/// server disagree, so the values are pinned as literals here, not recomputed.
@Suite("Stable method ids")
struct MethodIDTests {
    @Test("a generated method's id is the literal the contracts were built with")
    func pinnedMethodID() {
        // Also the id in Sources/Contracts/boxoffice_catalog_v1_catalog.pb.swift.
        #expect(MethodDescriptor.stableID("boxoffice.catalog.v1.CatalogService/ListProducts") == 0x8DEB_A5E7)
        let method = MethodDescriptor(service: "boxoffice.catalog.v1.CatalogService", method: "ListProducts", id: 1)
        #expect(MethodDescriptor.stableID(method.fullName) == 0x8DEB_A5E7)
    }

    @Test(
        "the id function is FNV-1a 32 (the published test vectors)",
        arguments: [("", UInt32(0x811C_9DC5)), ("a", 0xE40C_292C), ("foobar", 0xBF9C_F968)]
    )
    func fnv1aVectors(text: String, id: UInt32) {
        #expect(MethodDescriptor.stableID(text) == id)
    }
}
