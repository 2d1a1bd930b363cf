import Testing

/// The committed generated code is the golden reference: `codegen/check` regenerates everything
/// into a temporary folder (building the plugin) and fails on any difference (`diff -ru`).
@Suite("Generated code is fresh")
struct GoldenTests {
    @Test("codegen/check finds no difference with the committed output")
    func fresh() throws {
        let output = try Tools.run(["bash", "\(Tools.root)/codegen/check"])
        #expect(!String(decoding: output, as: UTF8.self).contains("diff -ru"))
    }
}
