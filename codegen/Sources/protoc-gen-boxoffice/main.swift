// protoc-gen-boxoffice: protoc runs it with a CodeGeneratorRequest on standard input and reads a
// CodeGeneratorResponse from standard output. The parameters name the C module holding protoc-c's
// output and the Swift module being generated (the name of its registry, `<module>Registry`):
// `--boxoffice_opt=c_module=CContracts,module=Contracts`.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

func readStandardInput() -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return bytes
}

func generate(_ request: CodeGeneratorRequest) throws -> [(name: String, content: String)] {
    var cModule = "CContracts"
    var module = "Contracts"
    for option in request.parameter.split(separator: ",") {
        let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
        guard pair.count == 2, ["c_module", "module"].contains(pair[0]) else {
            throw GeneratorError("unknown option \(option)")
        }
        if pair[0] == "c_module" { cModule = pair[1] } else { module = pair[1] }
    }
    let resolver = try Resolver(files: request.protoFiles)
    var ids: [UInt32: String] = [:]
    var outputs: [(String, String)] = []
    var generated: [FileDescriptor] = []
    for name in request.filesToGenerate {
        guard let file = request.protoFiles.first(where: { $0.name == name }) else { continue }
        generated.append(file)
        guard file.syntax == "proto3" else { throw GeneratorError("\(name): only proto3 files are supported") }
        for service in file.services {
            for method in service.methods {
                let fullName = "\(file.package).\(service.name)/\(method.name)"
                let id = MethodID.stableID(fullName)
                if let other = ids[id] { throw GeneratorError("method ids collide: \(fullName) and \(other)") }
                ids[id] = fullName
            }
        }
        let emitter = SwiftEmitter(file: file, resolver: resolver, cModule: cModule)
        outputs.append((SwiftEmitter.outputName(for: name), try emitter.emit()))
    }
    let registry = RegistryEmitter(module: module, files: generated, resolver: resolver)
    outputs.append((registry.outputName, registry.emit()))
    return outputs
}

var response = WireWriter()
do {
    let request = try CodeGeneratorRequest(readStandardInput())
    for (name, content) in try generate(request) {
        var file = WireWriter()
        file.string(1, name)
        file.string(15, content)
        response.bytes(15, file.bytes)
    }
} catch {
    response = WireWriter()
    response.string(1, "\(error)")
}
let bytes = response.bytes
_ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
